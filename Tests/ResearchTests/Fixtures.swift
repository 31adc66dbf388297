import Foundation

/// The test fixtures (Tests/ResearchTests/Fixtures), and scratch folders.
enum Fixture {
  static func path(_ name: String) -> String {
    Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name).path
  }

  static func text(_ name: String) throws -> String {
    try String(contentsOfFile: path(name), encoding: .utf8)
  }

  /// A new empty folder under the temporary directory, removed by the caller.
  static func scratchFolder(_ label: String) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "lookout-\(label)-\(UInt64.random(in: 0...UInt64.max))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
  }
}

/// `a` equals `b` to within 1e-9.
func close(_ a: Double?, _ b: Double) -> Bool {
  guard let a else { return false }
  return abs(a - b) < 1e-9
}
