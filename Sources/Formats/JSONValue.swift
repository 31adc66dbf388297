/// A JSON value whose objects keep their members in order.
///
/// Objects are arrays of `(key, value)` pairs, so a document built in code is written back in
/// exactly that order (the key order of every Lookout file is part of its format). Integers and
/// floating-point numbers are kept apart: `.integer(1)` is written `1`, `.number(1)` is written
/// `1.0` (as Python writes floats). Equality is structural: `.integer(1) != .number(1)`, and two
/// objects are equal only when they have the same members in the same order.
public enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case integer(Int)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.integer(let a), .integer(let b)): return a == b
    case (.number(let a), .number(let b)): return a == b || (a.isNaN && b.isNaN)
    case (.string(let a), .string(let b)): return Array(a.unicodeScalars) == Array(b.unicodeScalars)
    case (.array(let a), .array(let b)): return a == b
    case (.object(let a), .object(let b)):
      guard a.count == b.count else { return false }
      for (x, y) in zip(a, b)
      where Array(x.0.unicodeScalars) != Array(y.0.unicodeScalars) || x.1 != y.1 {
        return false
      }
      return true
    default: return false
    }
  }
}

extension JSONValue {
  /// `.string(s)`, or `.null` when `s` is nil.
  public static func nullable(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
  /// `.number(x)`, or `.null` when `x` is nil.
  public static func nullable(_ x: Double?) -> JSONValue { x.map { .number($0) } ?? .null }
  /// `.integer(i)`, or `.null` when `i` is nil.
  public static func nullable(_ i: Int?) -> JSONValue { i.map { .integer($0) } ?? .null }

  public var isNull: Bool { if case .null = self { return true } else { return false } }

  /// The string, if this is a string.
  public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }

  /// The boolean, if this is a boolean.
  public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }

  /// The number as a `Double`, if this is an integer or a floating-point number.
  public var doubleValue: Double? {
    switch self {
    case .integer(let i): return Double(i)
    case .number(let d): return d
    default: return nil
    }
  }

  /// The number as an `Int`, if this is an integer, or a floating-point number with an exact
  /// integer value (`1920.0` reads as 1920; `0.5` is not an integer).
  public var intValue: Int? {
    switch self {
    case .integer(let i): return i
    case .number(let d):
      guard d.isFinite, d.rounded(.towardZero) == d, abs(d) < 9.0e18 else { return nil }
      return Int(d)
    default: return nil
    }
  }

  /// The elements, if this is an array.
  public var arrayValue: [JSONValue]? {
    if case .array(let a) = self { return a } else { return nil }
  }

  /// The members in order, if this is an object.
  public var objectMembers: [(String, JSONValue)]? {
    if case .object(let o) = self { return o } else { return nil }
  }

  /// The value of the first member named `key`, if this is an object that has one.
  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members.first(where: { $0.0 == key })?.1
  }

  /// Whether this is an object with a member named `key` (whose value may be null).
  public func has(_ key: String) -> Bool {
    guard case .object(let members) = self else { return false }
    return members.contains(where: { $0.0 == key })
  }
}
