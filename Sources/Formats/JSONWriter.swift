/// A small deterministic JSON writer that reproduces Python's `json.dump` byte for byte.
///
/// The same value always gives the same bytes, on every platform: object members are written in
/// their stored order, floating-point numbers as Python's `repr(float)` (see ``PythonFloat``),
/// integers in decimal, and strings escaped as Python's `json` module escapes them:
///
/// - `"` and `\` are escaped, and `\n`, `\r`, `\t`, `\b`, `\f` use their short forms; other
///   control characters (below U+0020) are written `\u00XX` (lower-case hex). `/` is not escaped.
/// - With ``asciiOnly`` (Python's default `ensure_ascii=True`), every character outside
///   U+0020…U+007E is written `\uXXXX`, characters beyond the BMP as a UTF-16 surrogate pair
///   (`é` → `\u00e9`, `😀` → `\ud83d\ude00`). Without it, those characters are written as UTF-8.
///
/// With an ``indent`` every array element and object member goes on its own line, indented by
/// `indent` spaces per level, and empty containers are written `[]` and `{}`: Python's
/// `json.dump(obj, f, indent=n)`. Without one, the value is written on one line.
///
/// One deliberate difference: Python writes non-finite floats as `NaN`/`Infinity` (which is not
/// JSON); this writer writes `null` for them. No trailing newline is added.
public struct JSONWriter: Sendable {
  /// Spaces per nesting level, or nil for a single line.
  public var indent: Int?
  /// Escape every non-ASCII character as `\uXXXX` (Python's `ensure_ascii=True`).
  public var asciiOnly: Bool
  /// Written between array elements and object members (before the newline, when indenting).
  public var itemSeparator: String
  /// Written between an object key and its value.
  public var keySeparator: String

  public init(indent: Int?, asciiOnly: Bool, itemSeparator: String, keySeparator: String) {
    self.indent = indent
    self.asciiOnly = asciiOnly
    self.itemSeparator = itemSeparator
    self.keySeparator = keySeparator
  }

  /// MegaDetector's writer: Python's `json.dump(obj, f, indent=1)` (ASCII only, `","` between
  /// items, `": "` after keys).
  public static let megaDetector = JSONWriter(
    indent: 1, asciiOnly: true, itemSeparator: ",", keySeparator: ": ")

  /// One line, no spaces, UTF-8 kept: Python's
  /// `json.dumps(obj, ensure_ascii=False, separators=(",", ":"))`. Used for JSON Lines.
  public static let compact = JSONWriter(
    indent: nil, asciiOnly: false, itemSeparator: ",", keySeparator: ":")

  /// Two-space indentation, UTF-8 kept: Python's `json.dumps(obj, indent=2, ensure_ascii=False)`.
  /// Used for human-read files such as summary.json.
  public static let pretty = JSONWriter(
    indent: 2, asciiOnly: false, itemSeparator: ",", keySeparator: ": ")

  /// The UTF-8 bytes of `value`.
  public func bytes(_ value: JSONValue) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(256)
    write(value, level: 0, into: &out)
    return out
  }

  /// `value` as a string.
  public func string(_ value: JSONValue) -> String {
    String(decoding: bytes(value), as: UTF8.self)
  }

  // Pieces of `write` for a document written part by part (MegaDetector output): together they
  // give the same bytes as writing the whole value at once. `level` is the container's level.

  /// `"key": value` as a member of an object at `level` (with the separator unless `first`).
  func appendMember(
    key: String, value: JSONValue, first: Bool, level: Int, into out: inout [UInt8]
  ) {
    appendKey(key, first: first, level: level, into: &out)
    write(value, level: level + 1, into: &out)
  }

  /// `"key": ` of a member of an object at `level`; the value is appended next, at `level + 1`.
  func appendKey(_ key: String, first: Bool, level: Int, into out: inout [UInt8]) {
    if !first { out.append(contentsOf: itemSeparator.utf8) }
    newline(level: level + 1, into: &out)
    JSONWriter.writeString(key, asciiOnly: asciiOnly, into: &out)
    out.append(contentsOf: keySeparator.utf8)
  }

  /// One element of a non-empty array at `level` (after its `[`).
  func appendElement(_ value: JSONValue, first: Bool, level: Int, into out: inout [UInt8]) {
    if !first { out.append(contentsOf: itemSeparator.utf8) }
    newline(level: level + 1, into: &out)
    write(value, level: level + 1, into: &out)
  }

  /// The closing bracket or brace of a non-empty container at `level`.
  func appendClosing(_ bracket: UInt8, level: Int, into out: inout [UInt8]) {
    newline(level: level, into: &out)
    out.append(bracket)
  }

  private func newline(level: Int, into out: inout [UInt8]) {
    guard let indent else { return }
    out.append(UInt8(ascii: "\n"))
    out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
  }

  private func write(_ value: JSONValue, level: Int, into out: inout [UInt8]) {
    switch value {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
    case .integer(let i): out.append(contentsOf: String(i).utf8)
    case .number(let d):
      if d.isFinite {
        PythonFloat.appendRepr(d, into: &out)
      } else {
        out.append(contentsOf: "null".utf8)
      }
    case .string(let s): JSONWriter.writeString(s, asciiOnly: asciiOnly, into: &out)
    case .array(let elements):
      if elements.isEmpty {
        out.append(contentsOf: "[]".utf8)
        return
      }
      out.append(UInt8(ascii: "["))
      for (i, element) in elements.enumerated() {
        if i > 0 { out.append(contentsOf: itemSeparator.utf8) }
        newline(level: level + 1, into: &out)
        write(element, level: level + 1, into: &out)
      }
      newline(level: level, into: &out)
      out.append(UInt8(ascii: "]"))
    case .object(let members):
      if members.isEmpty {
        out.append(contentsOf: "{}".utf8)
        return
      }
      out.append(UInt8(ascii: "{"))
      for (i, (key, member)) in members.enumerated() {
        if i > 0 { out.append(contentsOf: itemSeparator.utf8) }
        newline(level: level + 1, into: &out)
        JSONWriter.writeString(key, asciiOnly: asciiOnly, into: &out)
        out.append(contentsOf: keySeparator.utf8)
        write(member, level: level + 1, into: &out)
      }
      newline(level: level, into: &out)
      out.append(UInt8(ascii: "}"))
    }
  }

  private static let hexDigits = Array("0123456789abcdef".utf8)

  private static func appendEscapedUnit(_ unit: UInt16, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\\"))
    out.append(UInt8(ascii: "u"))
    out.append(hexDigits[Int(unit >> 12) & 0xF])
    out.append(hexDigits[Int(unit >> 8) & 0xF])
    out.append(hexDigits[Int(unit >> 4) & 0xF])
    out.append(hexDigits[Int(unit) & 0xF])
  }

  /// Appends `s` as a quoted JSON string, escaped as Python's `json` module does.
  static func writeString(_ s: String, asciiOnly: Bool, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    for scalar in s.unicodeScalars {
      let v = scalar.value
      switch v {
      case 0x22: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
      case 0x5C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
      case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
      case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
      case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
      case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
      case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
      case 0..<0x20: appendEscapedUnit(UInt16(v), into: &out)
      case 0x20..<0x7F: out.append(UInt8(v))
      default:
        if asciiOnly {
          for unit in String(scalar).utf16 { appendEscapedUnit(unit, into: &out) }
        } else {
          out.append(contentsOf: String(scalar).utf8)
        }
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}
