import Foundation
import Formats

/// Text for HTML and SVG.
enum HTMLText {
  /// Escapes `&`, `<`, `>`, `"` and `'`.
  static func escape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for c in s.unicodeScalars {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.unicodeScalars.append(c)
      }
    }
    return out
  }

  /// JSON for a `<script type="application/json">` block: `<` is written `\u003c` so the text
  /// can never close the script element.
  static func scriptJSON(_ value: JSONValue) -> String {
    JSONWriter.compact.string(value).replacingOccurrences(of: "<", with: "\\u003c")
  }

  /// `x` with `digits` decimals (no exponent), for drawing and tables.
  static func fixed(_ x: Double, _ digits: Int) -> String {
    let scale = pow10(digits)
    let r = (x * scale).rounded() / scale
    var s = PythonFloat.repr(r)
    if s.contains("e") { s = r == 0 ? "0" : String(r) }
    if let dot = s.firstIndex(of: ".") {
      let decimals = s.distance(from: dot, to: s.endIndex) - 1
      if digits == 0 {
        s = String(s[..<dot])
      } else if decimals < digits {
        s += String(repeating: "0", count: digits - decimals)
      }
    } else if digits > 0 {
      s += "." + String(repeating: "0", count: digits)
    }
    return s
  }

  /// A ratio as `0.667`, or an en dash when undefined.
  static func ratio(_ x: Double?) -> String { x.map { fixed($0, 3) } ?? "–" }

  private static func pow10(_ n: Int) -> Double {
    var v = 1.0
    for _ in 0..<n { v *= 10 }
    return v
  }
}
