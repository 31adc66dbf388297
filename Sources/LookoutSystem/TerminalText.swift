/// Text made safe to print on a terminal.
///
/// A file name can hold control characters: ESC starts escape sequences that move the cursor,
/// clear the screen or set the window title, CR returns to the start of the line and hides what
/// came before. Printed raw in a progress line, an alert line or an error message, such a name
/// could rewrite what the ranger sees. ``escaped(_:)`` shows each of them visibly instead.
public enum TerminalText {
  /// `text` with every C0 control character (U+0000...U+001F, newline and tab included) and DEL
  /// written as `\xHH` (`\x1B` for ESC, `\x0D` for CR), and every C1 control character
  /// (U+0080...U+009F) as `\u{HH}`; everything else as it is. Hex digits are upper case.
  /// Callers add their own line breaks after escaping.
  public static func escaped(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
      if scalar.value < 0x20 || scalar.value == 0x7F {
        out += "\\x" + hex(scalar.value)
      } else if (0x80...0x9F).contains(scalar.value) {
        out += "\\u{" + hex(scalar.value) + "}"
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// Whether `scalar` is a C0 or C1 control character or DEL.
  public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
  }

  private static func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return digits.count == 1 ? "0" + digits : digits
  }
}
