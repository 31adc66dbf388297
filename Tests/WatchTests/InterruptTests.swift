import Foundation
import GRDB
import Testing

@testable import Watch

/// Ctrl-C and SIGTERM stop a running `lookout watch` politely: the run's task is cancelled, the
/// images in hand are finished and committed, a delivery under way is finished and recorded,
/// and the process exits 0. A later `--once` run then finishes the inbox with every image
/// processed exactly once and every alert in alerts.jsonl exactly once.
@Suite(.serialized) struct InterruptTests {
  static let imageCount = 40

  @Test(.timeLimit(.minutes(3)), arguments: [SIGINT, SIGTERM])
  func aSignalStopsTheWatcherAndNothingIsLostOrDoubled(signal: Int32) async throws {
    let lookout = try #require(CrashTests.executable(), "build the lookout executable first")
    let folder = TestFolder("interrupt-\(signal)")
    defer { folder.remove() }
    let inbox = folder.sub("inbox")
    let output = folder.path + "/out"
    let sources = try CrashTests.sampleJPEGs()
    try #require(!sources.isEmpty)
    for n in 0..<Self.imageCount {
      // A different trailer after each JPEG's end, so that no two are duplicates.
      let bytes = sources[n % sources.count] + Array("lookout-interrupt-copy-\(n)".utf8)
      TestFiles.write(bytes, to: inbox + "/site\(n % 2)/cam\(n % 3)/IMG_\(1000 + n).JPG")
    }
    let common = [
      "watch", inbox, "--out", output, "--settle", "0", "--min-confidence", "0",
      "--threshold", "person=0", "--threshold", "vehicle=0", "--group-window", "0",
      "--model-dir", TestFiles.repositoryRoot + "/Models", "--jobs", "2",
    ]
    func launch(_ extra: [String], stderr: String) throws -> Process {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: lookout)
      process.arguments = common + extra
      process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
      _ = FileManager.default.createFile(atPath: stderr, contents: nil)
      process.standardError = FileHandle(forWritingAtPath: stderr)
      try process.run()
      return process
    }

    // Interval mode, stopped once some images are done (and before all are, on this machine).
    let errors = folder.path + "/stderr.txt"
    let running = try launch(["--interval", "0.2"], stderr: errors)
    var doneBefore = 0
    for _ in 0..<1200 where doneBefore == 0 {
      try await Task.sleep(for: .milliseconds(50))
      doneBefore = (try? Self.doneCount(output)) ?? 0
    }
    try #require(doneBefore > 0, "no image was processed")
    kill(running.processIdentifier, signal)
    running.waitUntilExit()
    #expect(running.terminationReason == .exit)
    #expect(running.terminationStatus == 0)
    let said = String(decoding: FileManager.default.contents(atPath: errors) ?? Data(), as: UTF8.self)
    #expect(said.contains("stopping after the images in progress"), "\(said)")

    // Then --once finishes the inbox.
    for _ in 0..<6 where try Self.doneCount(output) < Self.imageCount {
      let once = try launch(["--once", "--quiet"], stderr: "/dev/null")
      once.waitUntilExit()
      #expect(once.terminationStatus == 0)
    }

    let queue = try DatabaseQueue(path: output + "/watch.sqlite")
    let files = try await queue.read { try InboxFile.fetchAll($0) }
    let alerts = try await queue.read { try OutboxAlert.fetchAll($0) }
    let deliveries = try await queue.read { try Delivery.fetchAll($0) }
    #expect(files.count == Self.imageCount)
    #expect(files.allSatisfy { $0.status == .done && $0.attempts == 1 })
    #expect(!alerts.isEmpty, "thresholds of 0 should make these frames alert")
    #expect(deliveries.allSatisfy { $0.state == .delivered })
    let keys = TestFiles.lines(output + "/alerts.jsonl").map { line -> String in
      let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
      return object["idempotency_key"] as! String
    }
    #expect(keys.count == alerts.count, "\(keys.count) lines for \(alerts.count) alerts")
    #expect(Set(keys) == Set(alerts.map { AlertPayload.idempotencyKey($0.id, $0.revision) }))
  }

  static func doneCount(_ output: String) throws -> Int {
    guard FileManager.default.fileExists(atPath: output + "/watch.sqlite") else { return 0 }
    let queue = try DatabaseQueue(path: output + "/watch.sqlite")
    return try queue.read { db in
      try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox_file WHERE status = 'done'") ?? 0
    }
  }
}
