import Pipeline

/// The raw names an inbox path stored in the state database may stand for.
///
/// The database keeps each file's path as the walk shows it (``CardFile/relativePath``): a name
/// that is not valid UTF-8 is shown with its stray bytes and its `%` signs as `%XX`. To move
/// such a file later, the mover needs the real name back. Undoing the escapes is exact, but a
/// valid name can contain `%41` too, so both readings are offered: the path as written and the
/// path unescaped (only where unescaping gives a name that shows as the same text).
enum ShownPathBytes {
  /// The path as written (UTF-8), then the unescaped reading when it differs.
  static func candidates(_ shown: String) -> [[UInt8]] {
    let literal = Array(shown.utf8)
    guard shown.utf8.contains(UInt8(ascii: "%")) else { return [literal] }
    var raw: [UInt8] = []
    for (i, component) in shown.split(separator: "/", omittingEmptySubsequences: false).enumerated()
    {
      if i > 0 { raw.append(UInt8(ascii: "/")) }
      let text = String(component)
      if let bytes = unescaped(text), CardWalker.displayName(bytes) == text {
        raw += bytes
      } else {
        raw += Array(text.utf8)
      }
    }
    return raw == literal ? [literal] : [literal, raw]
  }

  /// `%XX` sequences turned back into bytes; nil when a `%` is not followed by two hex digits.
  static func unescaped(_ text: String) -> [UInt8]? {
    let bytes = Array(text.utf8)
    var out: [UInt8] = []
    var i = 0
    while i < bytes.count {
      if bytes[i] == UInt8(ascii: "%") {
        guard i + 2 < bytes.count, let high = hex(bytes[i + 1]), let low = hex(bytes[i + 2]) else {
          return nil
        }
        out.append(high << 4 | low)
        i += 3
      } else {
        out.append(bytes[i])
        i += 1
      }
    }
    return out
  }

  private static func hex(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
    default: return nil
    }
  }
}
