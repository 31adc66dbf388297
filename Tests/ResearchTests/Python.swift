import Foundation

/// A Python 3 with frictionless, for validating Camtrap DP packages; tests that need it are
/// skipped without one. Looked for: `LOOKOUT_PYTHON`, the repository's `.venv`, then `python3`.
enum Python {
  static let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  static let withFrictionless: String? = {
    let env = ProcessInfo.processInfo.environment["LOOKOUT_PYTHON"]
    let candidates = [
      env, repositoryRoot + "/.venv/bin/python3", "/usr/bin/python3", "/usr/local/bin/python3",
    ]
    for candidate in candidates.compactMap({ $0 })
    where FileManager.default.isExecutableFile(atPath: candidate) {
      if (try? run(candidate, ["-c", "import frictionless"]))?.status == 0 { return candidate }
    }
    return nil
  }()

  static func run(_ python: String, _ arguments: [String]) throws -> (status: Int32, output: String)
  {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}
