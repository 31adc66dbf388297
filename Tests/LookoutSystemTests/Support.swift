import Foundation

/// A new empty directory under the system's temporary directory.
func makeTemporaryDirectory() throws -> String {
  let path = NSTemporaryDirectory() + "lookout-system-tests-\(UUID().uuidString)"
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}

/// The test files in `Tests/LookoutSystemTests/Fixtures`.
enum Fixture {
  static func text(_ name: String) throws -> String {
    let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
      .appendingPathComponent(name)
    return String(decoding: try Data(contentsOf: url), as: UTF8.self)
  }
}
