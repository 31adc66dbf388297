import Testing

@testable import Formats

@Suite struct PythonFloatTests {
  @Test func reprMatchesPython() {
    #expect(PythonFloat.repr(0.5) == "0.5")
    #expect(PythonFloat.repr(1.0) == "1.0")
    #expect(PythonFloat.repr(0.123) == "0.123")
    #expect(PythonFloat.repr(0.0) == "0.0")
    #expect(PythonFloat.repr(-0.0) == "-0.0")
    #expect(PythonFloat.repr(0.0001) == "0.0001")
    #expect(PythonFloat.repr(0.00001) == "1e-05")
    #expect(PythonFloat.repr(1e16) == "1e+16")
    #expect(PythonFloat.repr(1e15) == "1000000000000000.0")
    #expect(PythonFloat.repr(123456789012345.6) == "123456789012345.6")
    #expect(PythonFloat.repr(1.5e300) == "1.5e+300")
    #expect(PythonFloat.repr(5e-324) == "5e-324")
    #expect(PythonFloat.repr(0.1 + 0.2) == "0.30000000000000004")
    #expect(PythonFloat.repr(-2286.5) == "-2286.5")
    #expect(PythonFloat.repr(.nan) == "nan")
    #expect(PythonFloat.repr(-.infinity) == "-inf")
  }

  @Test func roundMatchesPython() {
    #expect(PythonFloat.round(0.12345, digits: 4) == 0.1235)  // stored just above the tie
    #expect(PythonFloat.round(0.9995, digits: 3) == 1.0)
    #expect(PythonFloat.round(2.675, digits: 2) == 2.67)  // stored just below the tie
    #expect(PythonFloat.round(0.125, digits: 2) == 0.12)  // exact tie: to even
    #expect(PythonFloat.round(0.375, digits: 2) == 0.38)  // exact tie: to even
    #expect(PythonFloat.round(0.5, digits: 0) == 0.0)
    #expect(PythonFloat.round(1.5, digits: 0) == 2.0)
    #expect(PythonFloat.round(0.0005, digits: 3) == 0.001)
    let negativeZero = PythonFloat.round(-0.00001, digits: 4)
    #expect(negativeZero == 0 && negativeZero.sign == .minus)
    #expect(PythonFloat.rounded(0.33333333, digits: 4) == "0.3333")
    #expect(PythonFloat.rounded(1, digits: 3) == "1.0")
  }

  /// floats.txt: ~2500 doubles (random, near decimal ties, tiny, huge, random bit patterns) with
  /// Python's repr(x) and repr(round(x, n)) for n in 0, 1, 2, 3, 4, 6, 10.
  @Test func agreesWithPythonOnThousandsOfValues() throws {
    let digits = [0, 1, 2, 3, 4, 6, 10]
    var checked = 0
    var failures: [String] = []
    for line in try Fixture.text("floats.txt").split(separator: "\n") where !line.hasPrefix("#") {
      let cols = line.split(separator: " ").map(String.init)
      #expect(cols.count == 2 + digits.count)
      let x = Double(bitPattern: UInt64(cols[0], radix: 16)!)
      if PythonFloat.repr(x) != cols[1] {
        failures.append("repr(\(cols[1])) -> \(PythonFloat.repr(x))")
      }
      for (i, n) in digits.enumerated() {
        let got = PythonFloat.rounded(x, digits: n)
        if got != cols[2 + i] {
          failures.append("round(\(cols[1]), \(n)) -> \(got), want \(cols[2 + i])")
        }
      }
      checked += 1
    }
    #expect(checked > 2000)
    #expect(failures.isEmpty, "\(failures.count) mismatches, first: \(failures.prefix(5))")
  }
}
