/// A minimal RFC 4180 reader for the deployments file: quoted fields with doubled quotes,
/// commas, CR/LF and LF line ends, a UTF-8 byte-order mark ignored. Each row carries the 1-based
/// line it starts on, for error messages. (Formats is getting a full CSV reader on another branch;
/// this one is kept private to the watch module until then.)
enum CSVRows {
  struct Row {
    var line: Int
    var fields: [String]
  }

  struct Failure: Error {
    var line: Int
    var reason: String
  }

  static func parse(_ bytes: [UInt8]) throws(Failure) -> [Row] {
    var rows: [Row] = []
    var fields: [String] = []
    var field: [UInt8] = []
    var line = 1
    var rowLine = 1
    var i = 0
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
    var quoted = false
    var fieldStarted = false
    func endField() {
      fields.append(String(decoding: field, as: UTF8.self))
      field.removeAll(keepingCapacity: true)
      fieldStarted = false
    }
    func endRow() {
      endField()
      if !(fields.count == 1 && fields[0].isEmpty) {
        rows.append(Row(line: rowLine, fields: fields))
      }
      fields.removeAll()
    }
    while i < bytes.count {
      let c = bytes[i]
      if quoted {
        if c == UInt8(ascii: "\"") {
          if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
            field.append(c)
            i += 2
            continue
          }
          quoted = false
        } else {
          if c == 0x0A { line += 1 }
          field.append(c)
        }
        i += 1
        continue
      }
      switch c {
      case UInt8(ascii: "\""):
        guard !fieldStarted && field.isEmpty else {
          throw Failure(line: line, reason: "a quote inside an unquoted field")
        }
        quoted = true
        fieldStarted = true
      case UInt8(ascii: ","):
        endField()
      case 0x0D:
        break
      case 0x0A:
        endRow()
        line += 1
        rowLine = line
      default:
        field.append(c)
        fieldStarted = true
      }
      i += 1
    }
    if quoted { throw Failure(line: rowLine, reason: "a quoted field is not closed") }
    if fieldStarted || !field.isEmpty || !fields.isEmpty { endRow() }
    return rows
  }
}
