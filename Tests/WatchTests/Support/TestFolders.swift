import Foundation

/// A fresh folder under the system's temporary folder, removed by `remove()`.
struct TestFolder {
  let path: String

  init(_ name: String = "watch") {
    path = NSTemporaryDirectory() + "lookout-\(name)-\(UUID().uuidString.prefix(8))"
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  func sub(_ relative: String) -> String {
    let p = path + "/" + relative
    try? FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
    return p
  }

  func remove() { try? FileManager.default.removeItem(atPath: path) }
}

enum TestFiles {
  /// The repository root (two levels above Tests/WatchTests/Support).
  static let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }
    return url.path
  }()

  /// Writes `bytes` at `path`, creating folders.
  static func write(_ bytes: [UInt8], to path: String) {
    let folder = (path as NSString).deletingLastPathComponent
    try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
  }

  static func write(_ text: String, to path: String) { write(Array(text.utf8), to: path) }

  /// Sets a file's modification time (seconds since 1970).
  static func setModified(_ path: String, seconds: Double) {
    try! FileManager.default.setAttributes(
      [.modificationDate: Date(timeIntervalSince1970: seconds)], ofItemAtPath: path)
  }

  static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

  static func lines(_ path: String) -> [String] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
    return text.split(separator: "\n").map(String.init)
  }
}
