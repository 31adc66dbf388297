import Foundation
import GRDB
import Testing

@testable import Watch

/// Runs the real `lookout` executable (next to the test bundle in `.build/<config>/`) as a
/// continuous watcher, kills it with SIGKILL at random moments while a 200-image inbox fills up,
/// then lets `--once` runs finish. Afterwards every image must have been processed exactly once,
/// every alert delivered at least once to the webhook and exactly once to alerts.jsonl, and
/// every alert id be unique.
///
/// The images are copies of the sample drone frames, each with a different trailer after the
/// JPEG's end so that no two have the same content (identical content would be skipped as a
/// duplicate). Thresholds of 0 and a minimum confidence of 0 make every image with any person or
/// vehicle box at all raise an alert, whatever the shipped model is.
@Suite(.serialized) struct CrashTests {
  static let imageCount = 200

  static func executable() -> String? {
    let build = TestFiles.repositoryRoot + "/.build"
    var candidates = [build + "/debug/lookout"]
    if let entries = try? FileManager.default.contentsOfDirectory(atPath: build) {
      candidates += entries.sorted().map { build + "/" + $0 + "/debug/lookout" }
    }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// The bytes of the shipped drone JPEGs (`SampleImages/ridge-north/drone01`), in name order:
  /// the frames the kill and signal tests copy into their inboxes.
  static func sampleJPEGs() throws -> [[UInt8]] {
    let samples = TestFiles.repositoryRoot + "/SampleImages/ridge-north/drone01"
    return try FileManager.default.contentsOfDirectory(atPath: samples)
      .filter { $0.hasSuffix(".JPG") }.sorted()
      .map { [UInt8](FileManager.default.contents(atPath: samples + "/" + $0)!) }
  }

  @Test(.timeLimit(.minutes(3)))
  func killNineAtRandomMomentsLosesAndDuplicatesNothing() async throws {
    let lookout = try #require(Self.executable(), "build the lookout executable first")
    let folder = TestFolder("crash")
    defer { folder.remove() }
    let inbox = folder.sub("inbox")
    let output = folder.path + "/out"
    let sources = try Self.sampleJPEGs()
    try #require(!sources.isEmpty)

    let receiver = LocalReceiver(script: [.status(500), .tooManyRequests(retryAfter: 1)])
    try await receiver.start()
    defer { Task { await receiver.stop() } }

    // The uploader: most files arrive under a .part name and are renamed; every tenth is
    // written in place in two halves, 150 ms apart (a half-written file in the inbox).
    let feeder = Thread {
      for n in 0..<Self.imageCount {
        var bytes = sources[n % sources.count]
        bytes += Array("lookout-crash-copy-\(n)".utf8)
        let name = inbox + "/site\(n % 3)/cam\(n % 4)/IMG_\(1000 + n).JPG"
        if n % 10 == 0 {
          let half = bytes.count / 2
          TestFiles.write(Array(bytes[..<half]), to: name)
          Thread.sleep(forTimeInterval: 0.15)
          let handle = FileHandle(forWritingAtPath: name)!
          handle.seekToEndOfFile()
          handle.write(Data(bytes[half...]))
          handle.closeFile()
        } else {
          TestFiles.write(bytes, to: name + ".part")
          try! FileManager.default.moveItem(atPath: name + ".part", toPath: name)
        }
        Thread.sleep(forTimeInterval: 0.03)
      }
    }

    let common = [
      "watch", inbox, "--out", output, "--settle", "1", "--min-confidence", "0",
      "--threshold", "person=0", "--threshold", "vehicle=0", "--group-window", "0",
      "--webhook-url", receiver.url + "/hook", "--webhook-token-env", "CRASH_TOKEN",
      "--retry-base", "0.05", "--retry-max", "0.5", "--model-dir",
      TestFiles.repositoryRoot + "/Models", "--quiet",
    ]
    func launch(_ extra: [String]) throws -> Process {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: lookout)
      process.arguments = common + extra
      var environment = ProcessInfo.processInfo.environment
      environment["CRASH_TOKEN"] = "crash-token"
      process.environment = environment
      process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
      process.standardError = FileHandle(forWritingAtPath: "/dev/null")
      try process.run()
      return process
    }

    feeder.start()
    var rounds = 0
    var generator = SystemRandomNumberGenerator()
    while rounds < 6 || !feeder.isFinished {
      let process = try launch(["--interval", "0.2"])
      try await Task.sleep(for: .milliseconds(Int.random(in: 300...1800, using: &generator)))
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      #expect(process.terminationReason == .uncaughtSignal)
      rounds += 1
    }

    // Let it finish: --once runs until every image is done and every delivery made.
    var finishing = 0
    for _ in 0..<12 {
      let process = try launch(["--once", "--delivery-wait", "10"])
      process.waitUntilExit()
      #expect(process.terminationStatus == 0)
      finishing += 1
      let (done, pending) = try Self.progress(output)
      if done == Self.imageCount && pending == 0 { break }
    }
    await receiver.stop()

    let queue = try DatabaseQueue(path: output + "/watch.sqlite")
    let files = try await queue.read { try InboxFile.fetchAll($0) }
    let alerts = try await queue.read { try OutboxAlert.fetchAll($0) }
    let frames = try await queue.read { try AlertFrame.fetchAll($0) }
    let deliveries = try await queue.read { try Delivery.fetchAll($0) }

    // Every image exactly once.
    #expect(files.count == Self.imageCount, "rows: \(files.count)")
    #expect(files.allSatisfy { $0.status == .done && $0.attempts == 1 })
    #expect(Set(files.map(\.path)).count == Self.imageCount)
    let expectedSizes = Dictionary(
      uniqueKeysWithValues: (0..<Self.imageCount).map { n in
        (
          "site\(n % 3)/cam\(n % 4)/IMG_\(1000 + n).JPG",
          Int64(sources[n % sources.count].count + "lookout-crash-copy-\(n)".utf8.count)
        )
      })
    #expect(
      files.allSatisfy { expectedSizes[$0.path] == $0.size }, "a half-written file was processed")
    #expect(Set(frames.map(\.fileID)).count == frames.count)

    // Alerts: ids unique, each delivered to both sinks.
    #expect(!alerts.isEmpty, "thresholds of 0 should make these frames alert")
    #expect(Set(alerts.map(\.id)).count == alerts.count)
    #expect(alerts.count == frames.count)
    #expect(deliveries.count == 2 * alerts.count)
    #expect(deliveries.allSatisfy { $0.state == .delivered })

    // alerts.jsonl: exactly once per alert.
    let lines = TestFiles.lines(output + "/alerts.jsonl")
    let keys = lines.map { line -> String in
      let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
      return object["idempotency_key"] as! String
    }
    #expect(keys.count == alerts.count)
    #expect(Set(keys) == Set(alerts.map { AlertPayload.idempotencyKey($0.id, $0.revision) }))

    // The webhook: every alert at least once; repeats carry the same key.
    let accepted = receiver.requests.filter { $0.status == 200 }
    let received = accepted.compactMap { $0.headers["idempotency-key"] }
    #expect(Set(received) == Set(keys))
    let repeats = received.count - Set(received).count
    print(
      "crash test: \(rounds) kill -9 rounds, \(finishing) finishing runs, \(files.count) images, "
        + "\(alerts.count) alerts, 0 processed twice, \(repeats) webhook repeats "
        + "(at least once), \(keys.count - Set(keys).count) alerts.jsonl repeats")
  }

  /// The first delivery of a fresh output folder, killed (SIGKILL, through the debug build's
  /// `LOOKOUT_WATCH_CRASH_AT` hook) at each of its steps, then finished by a second run: every
  /// alert must be in alerts.jsonl exactly once, whichever step the kill hit.
  @Test(
    .timeLimit(.minutes(5)),
    arguments: [
      "jsonl:start", "jsonl:prepared", "jsonl:written", "jsonl:synced", "jsonl:committed",
    ])
  func killAtEveryStepOfTheFirstDeliveryOfAFreshOutputFolder(_ step: String) async throws {
    let folder = TestFolder("crash-first")
    defer { folder.remove() }
    let inbox = folder.sub("inbox")
    let output = folder.path + "/out"
    let samples = TestFiles.repositoryRoot + "/SampleImages/ridge-north/drone01"
    let sources = try FileManager.default.contentsOfDirectory(atPath: samples)
      .filter { $0.hasSuffix(".JPG") }.sorted().prefix(2)
    try #require(!sources.isEmpty)
    for (n, name) in sources.enumerated() {
      TestFiles.write(
        [UInt8](FileManager.default.contents(atPath: samples + "/" + name)!),
        to: inbox + "/cam\(n)/" + name)
    }
    let arguments = [
      "watch", inbox, "--out", output, "--once", "--settle", "0", "--min-confidence", "0",
      "--threshold", "person=0", "--threshold", "vehicle=0", "--group-window", "0",
      "--delivery-wait", "0", "--model-dir", TestFiles.repositoryRoot + "/Models",
    ]
    let killed = try LookoutRun.run(arguments, environment: ["LOOKOUT_WATCH_CRASH_AT": step])
    #expect(killed.reason == .uncaughtSignal, "\(step): not killed: \(killed.stderr)")
    let finished = try LookoutRun.run(arguments)
    #expect(finished.status == 0, "\(finished.stderr)")

    let queue = try DatabaseQueue(path: output + "/watch.sqlite")
    let alerts = try await queue.read { try OutboxAlert.fetchAll($0) }
    let deliveries = try await queue.read { try Delivery.fetchAll($0) }
    #expect(!alerts.isEmpty, "thresholds of 0 should make these frames alert")
    #expect(deliveries.allSatisfy { $0.state == .delivered })
    let keys = TestFiles.lines(output + "/alerts.jsonl").map { line -> String in
      let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
      return object["idempotency_key"] as! String
    }
    #expect(keys.count == alerts.count, "\(step): \(keys.count) lines for \(alerts.count) alerts")
    #expect(Set(keys) == Set(alerts.map { AlertPayload.idempotencyKey($0.id, $0.revision) }))
  }

  static func progress(_ output: String) throws -> (done: Int, pending: Int) {
    let queue = try DatabaseQueue(path: output + "/watch.sqlite")
    return try queue.read { db in
      (
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox_file WHERE status = 'done'") ?? 0,
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery WHERE state != 'delivered'") ?? 0
      )
    }
  }
}
