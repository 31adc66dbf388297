import Foundation
import GRDB
import Pipeline
import Testing

@testable import Watch

/// What happens after a crash between two steps that cannot share a transaction.
@Suite struct RecoveryTests {
  @Test func finishedFilesAreMovedKeepingTheirPath() async throws {
    var h = WatchHarness("move")
    defer { h.folder.remove() }
    let done = h.folder.path + "/done"
    h.configuration.moveProcessedTo = done
    h.configuration.maxAttempts = 1
    h.put("siteA/cam1/IMG_0001.JPG", "person 0.9")
    h.put("siteA/cam1/IMG_0002.JPG", "animal 0.9")
    h.put("siteA/cam1/broken.JPG", "corrupt")
    // Already taken at the destination: the move must not overwrite it.
    TestFiles.write("someone else's", to: done + "/siteA/cam1/IMG_0002.JPG")
    let summary = try await h.runOnce()
    #expect(summary.processed == 2)
    #expect(summary.failed == 1)
    #expect(summary.moved == 3)
    #expect(!TestFiles.exists(h.inbox + "/siteA/cam1/IMG_0001.JPG"))
    #expect(TestFiles.exists(done + "/siteA/cam1/IMG_0001.JPG"))
    #expect(TestFiles.exists(done + "/siteA/cam1/IMG_0002-1.JPG"))
    #expect(TestFiles.exists(done + "/siteA/cam1/broken.JPG"))
    #expect(
      try String(contentsOfFile: done + "/siteA/cam1/IMG_0002.JPG", encoding: .utf8)
        == "someone else's")
    let rows = try h.files()
    #expect(rows.allSatisfy { $0.moveState == .moved })
    #expect(rows.map(\.movedTo).contains(done + "/siteA/cam1/IMG_0002-1.JPG"))
    // A new upload under the same name is a new file.
    h.put("siteA/cam1/IMG_0001.JPG", "person 0.5\ncaptured 2024-01-01T00:00:00")
    #expect(try await h.runOnce().processed == 1)
    #expect(TestFiles.exists(done + "/siteA/cam1/IMG_0001-1.JPG"))
  }

  @Test func aMoveInterruptedAfterTheRenameIsRecordedNotRepeated() async throws {
    var h = WatchHarness("move-crash")
    defer { h.folder.remove() }
    let done = h.folder.path + "/done"
    h.configuration.moveProcessedTo = done
    h.put("cam1/IMG_0001.JPG", "person 0.9")
    h.put("cam1/IMG_0002.JPG", "person 0.9\ncaptured 2024-01-01T00:00:00")
    _ = try await h.runOnce()
    // Rewind the records as a kill -9 would have left them: destinations chosen, files renamed,
    // but the moves not yet recorded; and one file renamed back (crash before the rename).
    let queue = try DatabaseQueue(path: h.output + "/watch.sqlite")
    try await queue.write { db in
      try db.execute(sql: "UPDATE inbox_file SET move_state = 'pending'")
    }
    try FileManager.default.moveItem(
      atPath: done + "/cam1/IMG_0002.JPG", toPath: h.inbox + "/cam1/IMG_0002.JPG")
    let summary = try await h.runOnce()
    #expect(summary.processed == 0)
    #expect(summary.moved == 2)
    #expect(TestFiles.exists(done + "/cam1/IMG_0001.JPG"))
    #expect(TestFiles.exists(done + "/cam1/IMG_0002.JPG"))
    #expect(!TestFiles.exists(done + "/cam1/IMG_0001-1.JPG"))
    #expect(try h.files().allSatisfy { $0.moveState == .moved })
  }

  @Test func linesWrittenButNotCommittedAreCutFromAlertsJSONL() async throws {
    let h = WatchHarness("jsonl-tail")
    defer { h.folder.remove() }
    h.put("cam1/IMG_0001.JPG", "person 0.9")
    h.put("cam2/IMG_0002.JPG", "person 0.8")
    _ = try await h.runOnce()
    let before = TestFiles.lines(h.jsonl)
    try #require(before.count == 2)
    // As if killed after writing the second line but before committing its delivery: the line
    // is in the file, the delivery still pending, the committed length before the line.
    let queue = try DatabaseQueue(path: h.output + "/watch.sqlite")
    let firstLength = Int64(before[0].utf8.count + 1)
    try await queue.write { db in
      try db.execute(
        sql: """
          UPDATE delivery SET state = 'pending', delivered_revision = 0
          WHERE sink = 'jsonl' AND alert_id = ?
          """, arguments: [String(before[1].dropFirst(7).prefix(16))])
      try db.execute(
        sql: "UPDATE sink_state SET file_bytes = ? WHERE sink = 'jsonl'", arguments: [firstLength])
    }
    // And a torn half line after it.
    let handle = FileHandle(forWritingAtPath: h.jsonl)!
    handle.seekToEndOfFile()
    handle.write(Data(#"{"id":"torn"#.utf8))
    handle.closeFile()
    let summary = try await h.runOnce()
    #expect(summary.alertsDelivered == 1)
    #expect(TestFiles.lines(h.jsonl) == before)
  }

  /// A fresh output folder whose first run was killed after writing (and syncing) its first
  /// line but before committing it: the sink state says the file did not exist yet. The next
  /// run must cut that line and write it once, not adopt it and write it again.
  @Test func aLineWrittenByAFirstRunThatCrashedBeforeItsCommitIsWrittenOnce() async throws {
    let h = WatchHarness("jsonl-first")
    defer { h.folder.remove() }
    h.put("cam1/IMG_0001.JPG", "person 0.9")
    _ = try await h.runOnce()
    let before = TestFiles.lines(h.jsonl)
    try #require(before.count == 1)
    let queue = try DatabaseQueue(path: h.output + "/watch.sqlite")
    try await queue.write { db in
      try db.execute(
        sql: """
          UPDATE delivery SET state = 'pending', delivered_revision = 0, attempts = 0,
            delivered_at = NULL
          WHERE sink = 'jsonl'
          """)
      try db.execute(
        sql: "UPDATE sink_state SET file_inode = NULL, file_bytes = 0 WHERE sink = 'jsonl'")
    }
    let summary = try await h.runOnce()
    #expect(summary.alertsDelivered == 1)
    #expect(TestFiles.lines(h.jsonl) == before)
  }

  @Test func deliveriesResumeAfterARestart() async throws {
    var h = WatchHarness("resume")
    defer { h.folder.remove() }
    h.configuration.delivery.retryBaseSeconds = 0.05
    h.put("cam1/IMG_0001.JPG", "person 0.9")
    var delivery = DeliverySettings(requestTimeoutSeconds: 5)
    delivery.webhook = WebhookSettings(url: "http://127.0.0.1:1/hook")
    let down = try ConfiguredSinks(delivery)
    #expect(try await h.runOnce(sinks: down.sinks).deliveriesPending == 1)
    await down.shutdown()
    let receiver = LocalReceiver(script: [])
    try await receiver.start()
    delivery.webhook = WebhookSettings(url: receiver.url + "/hook")
    let up = try ConfiguredSinks(delivery)
    // Long enough for a loaded machine: the run ends as soon as the outbox is empty.
    h.configuration.delivery.onceWaitSeconds = 60
    // A new process: nothing to process, but the outbox still holds the alert.
    let summary = try await h.runOnce(sinks: up.sinks)
    #expect(summary.processed == 0)
    #expect(summary.alertsDelivered == 1)
    #expect(summary.deliveriesPending == 0)
    #expect(receiver.requests.count == 1)
    await up.shutdown()
    await receiver.stop()
  }

  @Test func continuousModePassesUntilStopped() async throws {
    let h = WatchHarness("continuous")
    defer { h.folder.remove() }
    let engine = h.engine
    let watcher = try InboxWatcher(configuration: h.configuration, loadEngine: { engine })
    let summaries = SummaryLog()
    let run = Task {
      try await watcher.runContinuously(interval: 0.1) { summaries.add($0) }
    }
    h.put("cam1/IMG_0001.JPG", "person 0.9")
    for _ in 0..<100 where TestFiles.lines(h.jsonl).isEmpty {
      try await Task.sleep(for: .milliseconds(50))
    }
    h.put("cam1/IMG_0002.JPG", "person 0.8\ncaptured 2024-01-01T00:00:00")
    for _ in 0..<100 where TestFiles.lines(h.jsonl).count < 2 {
      try await Task.sleep(for: .milliseconds(50))
    }
    run.cancel()
    try await run.value
    #expect(TestFiles.lines(h.jsonl).count == 2)
    #expect(summaries.all.map(\.processed).reduce(0, +) == 2)
    #expect(summaries.all.count >= 2)
  }
}

private final class SummaryLog: @unchecked Sendable {
  private let lock = NSLock()
  private var summaries: [PassSummary] = []
  var all: [PassSummary] { lock.withLock { summaries } }
  func add(_ result: Result<PassSummary, WatchError>) {
    if case .success(let s) = result { lock.withLock { summaries.append(s) } }
  }
}

/// alerts.jsonl moved away (rotated) while a watcher runs: the next line starts a new file at the
/// path instead of going on into the moved one.
@Suite struct JSONLinesRotationTests {
  @Test func aRotatedFileIsNotWrittenToAgain() async throws {
    let folder = TestFolder("jsonl-rotate")
    defer { folder.remove() }
    let sink = JSONLinesSink(directory: folder.path)
    func item(_ n: Int) -> PendingDelivery {
      PendingDelivery(
        alertID: "alert\(n)", revision: 1, payload: #"{"id":"alert\#(n)"}"#, remoteID: nil,
        deliveredRevision: 0)
    }
    var state = try sink.prepare(state: SinkState(sink: "jsonl"))
    guard case .delivered = await sink.deliver(item(1)) else {
      Issue.record("the first line was not written")
      return
    }
    try FileManager.default.moveItem(
      atPath: sink.path, toPath: folder.path + "/alerts.jsonl.1")
    state = try sink.prepare(state: state)
    let second = await sink.deliver(item(2))
    guard case .delivered = second else {
      Issue.record("the line after the rotation was not delivered: \(second)")
      return
    }
    #expect(TestFiles.lines(folder.path + "/alerts.jsonl.1") == [#"{"id":"alert1"}"#])
    #expect(TestFiles.lines(sink.path) == [#"{"id":"alert2"}"#])
  }
}
