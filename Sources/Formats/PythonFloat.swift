/// Python's float rounding and float printing, reproduced exactly.
///
/// MegaDetector's own writer stores `round(conf, 3)` and `round(coordinate, 4)` and prints them
/// with `json.dump`, which uses `repr(float)`. Lookout emulates both so that its files are
/// byte-identical to what the Python tools would print for the same numbers:
///
/// - ``round(_:digits:)`` is Python's `round(x, n)`: the *exact* binary value of `x` is rounded
///   to `n` decimals, exact ties going to the even digit, and the decimal result is read back as
///   the nearest `Double`. So `round(0.12345, 4) == 0.1235` (0.12345 is stored as
///   0.123450000000000004…), `round(2.675, 2) == 2.67` (stored as 2.67499999…) and
///   `round(0.125, 2) == 0.12` (an exact tie). Negative values that round to zero give `-0.0`,
///   as in Python.
/// - ``repr(_:)`` is Python's `repr(float)`: the shortest digit string that reads back as the
///   same `Double`, written in fixed notation when the decimal exponent is between -4 and 16
///   (`0.5`, `1.0`, `0.0001`, `123.0`) and in exponent notation otherwise (`1e-05`, `1e+16`,
///   `1.5e+300`). `nan`, `inf` and `-inf` are returned for non-finite values (JSON writers never
///   print these; see ``JSONWriter``).
public enum PythonFloat {
  /// Python's `round(x, digits)` for `digits` in `0...19`. Non-finite values are returned as is.
  public static func round(_ x: Double, digits: Int) -> Double {
    precondition((0...19).contains(digits), "digits must be in 0...19")
    guard x.isFinite, x != 0 else { return x }
    let negative = x.sign == .minus
    let magnitude = x.magnitude
    // magnitude = m * 2^e exactly.
    let m: UInt64
    let e: Int
    if magnitude.isNormal {
      m = magnitude.significandBitPattern | (1 << 52)
      e = Int(magnitude.exponent) - 52
    } else {
      m = magnitude.significandBitPattern
      e = -1074
    }
    // An integer, or a value with at most `digits` fractional decimals, is already exact.
    if e >= 0 || -e <= digits { return x }
    let k = -e
    // P = m * 10^digits, a 117-bit number at most.
    let (pHigh, pLow) = m.multipliedFullWidth(by: pow10UInt[digits])
    // q = P >> k, and the remainder compared with half of 2^k.
    var q: UInt64
    var roundUp: Bool
    if k >= 128 {
      q = 0
      roundUp = false  // P < 2^117 < 2^(k-1): below half.
    } else {
      let (qHigh, qLow) = shiftRight(pHigh, pLow, by: k)
      // A quotient of 2^63 or more means x has so many integer digits that rounding to `digits`
      // decimals moves it by far less than half an ulp: the nearest double is x itself.
      if qHigh != 0 || qLow >= 1 << 63 { return x }
      q = qLow
      let (rHigh, rLow) = lowBits(pHigh, pLow, count: k)
      let (hHigh, hLow): (UInt64, UInt64) = k - 1 >= 64 ? (1 << (k - 1 - 64), 0) : (0, 1 << (k - 1))
      if rHigh != hHigh {
        roundUp = rHigh > hHigh
      } else if rLow != hLow {
        roundUp = rLow > hLow
      } else {
        roundUp = q & 1 == 1  // exact tie: to even
      }
    }
    if roundUp { q += 1 }
    let result: Double
    if q < 1 << 53 {
      // q and 10^digits are exact doubles, so one IEEE division is the correctly rounded
      // quotient: the same double that reading the decimal string "q e-digits" gives.
      result = Double(q) / pow10Double[digits]
    } else {
      result = Double("\(q)e-\(digits)")!
    }
    return negative ? -result : result
  }

  /// Python's `repr(x)` for a `Double` (see the type's documentation).
  public static func repr(_ x: Double) -> String {
    var out: [UInt8] = []
    appendRepr(x, into: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// Appends the UTF-8 bytes of `repr(x)`.
  static func appendRepr(_ x: Double, into out: inout [UInt8]) {
    if x.isNaN {
      out.append(contentsOf: "nan".utf8)
      return
    }
    if x.sign == .minus { out.append(UInt8(ascii: "-")) }
    if x.isInfinite {
      out.append(contentsOf: "inf".utf8)
      return
    }
    let (digits, decimalPoint) = shortestDigits(x.magnitude)
    let zero = UInt8(ascii: "0")
    let point = UInt8(ascii: ".")
    if digits.isEmpty {
      out.append(contentsOf: [zero, point, zero])
      return
    }
    let n = digits.count
    if decimalPoint <= -4 || decimalPoint > 16 {
      out.append(digits[0])
      if n > 1 {
        out.append(point)
        out.append(contentsOf: digits[1...])
      }
      let exponent = decimalPoint - 1
      out.append(UInt8(ascii: "e"))
      out.append(exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
      let magnitude = exponent.magnitude
      if magnitude < 10 { out.append(zero) }
      out.append(contentsOf: String(magnitude).utf8)
    } else if decimalPoint <= 0 {
      out.append(contentsOf: [zero, point])
      out.append(contentsOf: repeatElement(zero, count: -decimalPoint))
      out.append(contentsOf: digits)
    } else if decimalPoint >= n {
      out.append(contentsOf: digits)
      out.append(contentsOf: repeatElement(zero, count: decimalPoint - n))
      out.append(contentsOf: [point, zero])
    } else {
      out.append(contentsOf: digits[..<decimalPoint])
      out.append(point)
      out.append(contentsOf: digits[decimalPoint...])
    }
  }

  /// `repr(round(x, digits))`: how MegaDetector prints a rounded coordinate or confidence.
  public static func rounded(_ x: Double, digits: Int) -> String {
    repr(round(x, digits: digits))
  }

  /// The shortest round-trip decimal digits of a finite, non-negative `x` (ASCII digits, no
  /// leading or trailing zeros; empty for zero) and the decimal point position: x = 0.d1d2… ×
  /// 10^decimalPoint. Taken from Swift's own shortest round-trip printing (which, like Python's,
  /// picks the shortest digit string that reads back exactly, and of those the closest).
  static func shortestDigits(_ x: Double) -> (digits: [UInt8], decimalPoint: Int) {
    let text = Array(x.description.utf8)
    var mantissa = text[...]
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
      mantissa = text[..<e]
      exponent = Int(String(decoding: text[(e + 1)...], as: UTF8.self))!
    }
    var digits: [UInt8] = []
    var integerDigits = 0
    var seenPoint = false
    for c in mantissa {
      if c == UInt8(ascii: ".") {
        seenPoint = true
      } else if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
        digits.append(c)
        if !seenPoint { integerDigits += 1 }
      }
    }
    var decimalPoint = integerDigits + exponent
    var start = 0
    while start < digits.count && digits[start] == UInt8(ascii: "0") {
      start += 1
      decimalPoint -= 1
    }
    var end = digits.count
    while end > start && digits[end - 1] == UInt8(ascii: "0") { end -= 1 }
    if start == end { return ([], 0) }
    return (Array(digits[start..<end]), decimalPoint)
  }

  private static let pow10UInt: [UInt64] = {
    var table: [UInt64] = [1]
    for _ in 1...19 { table.append(table.last! * 10) }
    return table
  }()

  private static let pow10Double: [Double] = {
    var table: [Double] = [1]
    for _ in 1...22 { table.append(table.last! * 10) }
    return table
  }()

  private static func shiftRight(_ high: UInt64, _ low: UInt64, by k: Int) -> (UInt64, UInt64) {
    if k == 0 { return (high, low) }
    if k >= 64 { return (0, k == 64 ? high : high >> (k - 64)) }
    return (high >> k, (low >> k) | (high << (64 - k)))
  }

  private static func lowBits(_ high: UInt64, _ low: UInt64, count k: Int) -> (UInt64, UInt64) {
    if k >= 128 { return (high, low) }
    if k >= 64 {
      let h = k == 64 ? 0 : high & ((1 << (k - 64)) - 1)
      return (h, low)
    }
    return (0, low & ((1 << k) - 1))
  }
}
