import LookoutCore
import LookoutSystem

/// A CSV file that could not be read: which file, which line, and why.
public struct CSVReadError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file as the caller named it.
  public var path: String
  /// 1-based line number where the problem was found (0 for the file as a whole).
  public var line: Int
  public var reason: String
  /// When the file could not be read at all: the failed step with its `errno`.
  public var cause: FileIOError?

  public init(path: String, line: Int, reason: String) {
    self.path = path
    self.line = line
    self.reason = reason
  }

  /// The file could not be read: `cause` kept, its words as the reason.
  public init(file cause: FileIOError) {
    self.init(path: cause.path, line: 0, reason: cause.reason)
    self.cause = cause
  }

  public var description: String {
    line > 0 ? "\(path): line \(line): \(reason)" : "\(path): \(reason)"
  }
}

/// One data row of a ``CSVTable``.
public struct CSVRow: Sendable, Equatable {
  /// 1-based line number of the row's first line in the file (a quoted field may span lines).
  public var line: Int
  /// The fields, as many as the header has (short rows are padded with empty fields).
  public var fields: [String]

  public init(line: Int, fields: [String]) {
    self.line = line
    self.fields = fields
  }
}

/// A CSV file with a header row, as read by ``CSVReader``.
public struct CSVTable: Sendable, Equatable {
  /// The header's column names, surrounding spaces removed.
  public var header: [String]
  public var rows: [CSVRow]

  public init(header: [String], rows: [CSVRow]) {
    self.header = header
    self.rows = rows
  }

  /// The index of the first column named `name` (compared without regard to ASCII case).
  public func column(_ name: String) -> Int? {
    let wanted = name.lowercased()
    return header.firstIndex { $0.lowercased() == wanted }
  }

  /// The index of the first column with one of these names.
  public func column(anyOf names: [String]) -> Int? {
    for name in names { if let i = column(name) { return i } }
    return nil
  }
}

/// Reads RFC 4180 CSV (the counterpart of ``AlertEncoding/csvField(_:)``, which writes it).
///
/// Accepted: a UTF-8 byte-order mark, CRLF or LF line ends, fields in double quotes with `""`
/// for a quote and line breaks inside, blank lines (skipped), and rows shorter than the header
/// (padded with empty fields, as spreadsheets write them). Rejected with a ``CSVReadError``
/// naming the line: a row with more fields than the header, a quote inside an unquoted field,
/// text after a closing quote, a quoted field left open at the end of the file, and a missing
/// or empty header.
public enum CSVReader {
  /// Parses `bytes`; `path` is only used in error messages.
  public static func parse(_ bytes: [UInt8], path: String) throws(CSVReadError) -> CSVTable {
    var records = try records(bytes, path: path)
    guard !records.isEmpty else { throw CSVReadError(path: path, line: 0, reason: "empty file") }
    let headerRecord = records.removeFirst()
    let header = headerRecord.fields.map { $0.trimmingSpaces() }
    guard header.contains(where: { !$0.isEmpty }) else {
      throw CSVReadError(path: path, line: headerRecord.line, reason: "empty header row")
    }
    var rows: [CSVRow] = []
    rows.reserveCapacity(records.count)
    for record in records {
      if record.fields.count > header.count {
        throw CSVReadError(
          path: path, line: record.line,
          reason: "\(record.fields.count) fields, but the header has \(header.count)")
      }
      var fields = record.fields
      if fields.count < header.count {
        fields.append(contentsOf: repeatElement("", count: header.count - fields.count))
      }
      rows.append(CSVRow(line: record.line, fields: fields))
    }
    return CSVTable(header: header, rows: rows)
  }

  /// Reads and parses the file at `path`.
  public static func read(path: String) throws(CSVReadError) -> CSVTable {
    let bytes: [UInt8]
    do {
      bytes = try FileReader.read(path)
    } catch {
      throw CSVReadError(file: error)
    }
    return try parse(bytes, path: path)
  }

  /// All records, header included, blank lines dropped.
  static func records(_ bytes: [UInt8], path: String) throws(CSVReadError) -> [CSVRow] {
    let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
    var i = 0
    if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { i = 3 }
    var line = 1
    var out: [CSVRow] = []
    var fields: [String] = []
    var field: [UInt8] = []
    var recordLine = 1
    var quoted = false  // the current field started with a quote
    var afterQuote = false  // the current quoted field has been closed

    func endField() {
      fields.append(String(decoding: field, as: UTF8.self))
      field.removeAll(keepingCapacity: true)
      quoted = false
      afterQuote = false
    }
    func endRecord() {
      endField()
      let blank = fields.count == 1 && fields[0].isEmpty
      if !blank { out.append(CSVRow(line: recordLine, fields: fields)) }
      fields.removeAll(keepingCapacity: true)
    }

    while i < bytes.count {
      let b = bytes[i]
      if quoted && !afterQuote {
        if b == quote {
          if i + 1 < bytes.count && bytes[i + 1] == quote {
            field.append(quote)
            i += 2
            continue
          }
          afterQuote = true
        } else {
          if b == lf { line += 1 }
          field.append(b)
        }
        i += 1
        continue
      }
      switch b {
      case comma:
        endField()
      case cr, lf:
        endRecord()
        if b == cr && i + 1 < bytes.count && bytes[i + 1] == lf { i += 1 }
        line += 1
        recordLine = line
      case quote:
        if field.isEmpty && !quoted {
          quoted = true
        } else {
          throw CSVReadError(
            path: path, line: line,
            reason: afterQuote
              ? "text after a closing quote" : "a quote inside an unquoted field")
        }
      default:
        if afterQuote {
          throw CSVReadError(path: path, line: line, reason: "text after a closing quote")
        }
        field.append(b)
      }
      i += 1
    }
    if quoted && !afterQuote {
      throw CSVReadError(path: path, line: recordLine, reason: "a quoted field is never closed")
    }
    if !field.isEmpty || !fields.isEmpty || quoted { endRecord() }
    return out
  }
}
