import Testing

@testable import Formats

@Suite struct JSONWriterTests {
  @Test func indentedLikePythonJsonDumpIndent1() {
    let value: JSONValue = .object([
      ("a", .array([.integer(1), .number(0.5), .number(1), .array([]), .object([])])),
      ("b", .object([("c", .null), ("t", .bool(true)), ("f", .bool(false))])),
    ])
    let expected = """
      {
       "a": [
        1,
        0.5,
        1.0,
        [],
        {}
       ],
       "b": {
        "c": null,
        "t": true,
        "f": false
       }
      }
      """
    #expect(JSONWriter.megaDetector.string(value) == expected)
  }

  @Test func compactForm() {
    let value: JSONValue = .object([
      ("k", .array([.integer(-3), .string("x")])), ("e", .object([])),
    ])
    #expect(JSONWriter.compact.string(value) == #"{"k":[-3,"x"],"e":{}}"#)
    #expect(JSONWriter.compact.string(.string("x")) == #""x""#)
  }

  @Test func escapesLikePythonEnsureAscii() {
    let s = "q\"b\\s/\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f}é€😀"
    #expect(
      JSONWriter.megaDetector.string(.string(s))
        == #""q\"b\\s/\n\r\t\b\f\u0001\u001f\u007f\u00e9\u20ac\ud83d\ude00""#)
    // Without ensure_ascii: non-ASCII (and DEL) kept as UTF-8, control characters still escaped.
    #expect(
      JSONWriter.compact.string(.string(s))
        == "\"q\\\"b\\\\s/\\n\\r\\t\\b\\f\\u0001\\u001f\u{7f}é€😀\"")
  }

  @Test func keepsDecomposedCharactersAsGiven() {
    // "é" as e + combining acute: written as two code points, not normalized.
    #expect(JSONWriter.megaDetector.string(.string("e\u{301}")) == #""e\u0301""#)
  }

  @Test func nonFiniteNumbersBecomeNull() {
    #expect(
      JSONWriter.compact.string(.array([.number(.nan), .number(.infinity)])) == "[null,null]")
  }
}

@Suite struct JSONParserTests {
  @Test func parsesAllKinds() throws {
    let v = try JSONParser.parse(
      #" {"i": -12, "d": 1.5e2, "z": 0, "f": 1.0, "s": "a\u00e9\ud83d\ude00\n", "n": null, "b": [true, false], "o": {}} "#
    )
    #expect(
      v
        == .object([
          ("i", .integer(-12)), ("d", .number(150)), ("z", .integer(0)), ("f", .number(1)),
          ("s", .string("aé😀\n")), ("n", .null), ("b", .array([.bool(true), .bool(false)])),
          ("o", .object([])),
        ]))
    #expect(v["s"]?.stringValue == "aé😀\n")
    #expect(v["f"]?.intValue == 1)
    #expect(v["d"]?.doubleValue == 150)
    #expect(v["missing"] == nil)
  }

  @Test func keepsMemberOrder() throws {
    let v = try JSONParser.parse(#"{"b":1,"a":2,"c":3}"#)
    #expect(v.objectMembers?.map(\.0) == ["b", "a", "c"])
  }

  @Test func roundTripsWriterOutput() throws {
    let value: JSONValue = .object([
      ("name", .string("Zébra \"ü\" 😀\t")),
      ("xs", .array([.number(0.1), .number(-0.0), .integer(Int.max)])),
      ("nested", .object([("deep", .array([.object([("k", .null)])]))])),
    ])
    for writer in [JSONWriter.megaDetector, .compact, .pretty] {
      #expect(try JSONParser.parse(writer.bytes(value)) == value)
    }
  }

  @Test func acceptsPythonExtensionsAndBOM() throws {
    let v = try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("[NaN, Infinity, -Infinity, 1]".utf8))
    let xs = v.arrayValue!.map { $0.doubleValue! }
    #expect(xs[0].isNaN && xs[1] == .infinity && xs[2] == -.infinity && xs[3] == 1)
  }

  @Test func loneSurrogatesBecomeReplacementCharacters() throws {
    #expect(try JSONParser.parse(#""\ud800x\udc00""#) == .string("\u{FFFD}x\u{FFFD}"))
  }

  @Test func rejectsInvalidJSON() {
    for bad in [
      "", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"\u{1}\"", "\"abc", "tru", "[1] x",
      "{'a': 1}", "\"\\x\"", "1e",
    ] {
      #expect(throws: JSONParseError.self, "\(bad)") { try JSONParser.parse(bad) }
    }
    let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
    #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
  }

  @Test func bigIntegersBecomeNumbers() throws {
    #expect(try JSONParser.parse("123456789012345678901234") == .number(1.2345678901234568e23))
  }
}
