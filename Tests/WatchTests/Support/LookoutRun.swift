import Foundation

/// One run of the built `lookout` executable, to the end: its exit status and what it printed on
/// stderr. The inherited token variables are removed so that only what a test sets is seen.
struct LookoutRun {
  var status: Int32
  var reason: Process.TerminationReason
  var stderr: String

  static func run(_ arguments: [String], environment extra: [String: String] = [:]) throws
    -> LookoutRun
  {
    guard let lookout = CrashTests.executable() else {
      throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "lookout executable"])
    }
    let errorPath = NSTemporaryDirectory() + "lookout-run-\(UUID().uuidString.prefix(8)).err"
    _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: errorPath) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: lookout)
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["LOOKOUT_WEBHOOK_TOKEN"] = nil
    environment["LOOKOUT_EARTHRANGER_TOKEN"] = nil
    environment["LOOKOUT_WATCH_CRASH_AT"] = nil
    environment.merge(extra) { _, given in given }
    process.environment = environment
    process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
    process.standardError = FileHandle(forWritingAtPath: errorPath)
    try process.run()
    process.waitUntilExit()
    let text = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
    return LookoutRun(
      status: process.terminationStatus, reason: process.terminationReason, stderr: text)
  }
}
