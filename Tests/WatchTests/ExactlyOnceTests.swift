import Formats
import Foundation
import GRDB
import LookoutCore
import Pipeline
import Testing

@testable import Watch

@Suite struct ExactlyOnceTests {
  @Test func eachImageIsProcessedOnceAcrossRuns() async throws {
    let h = WatchHarness("once")
    defer { h.folder.remove() }
    h.put("siteA/cam1/IMG_0001.JPG", "person 0.9")
    h.put("siteA/cam1/IMG_0002.JPG", "animal 0.8")
    h.put("siteA/cam2/IMG_0003.jpg", "vehicle 0.7")
    let first = try await h.runOnce()
    #expect(first.seen == 3)
    #expect(first.processed == 3)
    #expect(first.alertsNew == 2)
    #expect(first.alertsDelivered == 2)
    #expect(first.deliveriesPending == 0)
    let second = try await h.runOnce()
    #expect(second.seen == 3)
    #expect(second.processed == 0)
    #expect(second.alertsNew == 0)
    #expect(h.engine.scans.values.allSatisfy { $0 == 1 })
    #expect(try h.files().map(\.status) == [.done, .done, .done])
    #expect(TestFiles.lines(h.jsonl).count == 2)
  }

  @Test func temporaryUploadNamesWaitForTheirRename() async throws {
    let h = WatchHarness("partial-names")
    defer { h.folder.remove() }
    h.put("cam1/IMG_0001.JPG.part", "person 0.9")
    h.put("cam1/.IMG_0002.JPG.x7Gq2", "person 0.9")
    h.put("cam1/IMG_0003.jpg.filepart", "person 0.9")
    h.put("cam1/IMG_0004.jpg.tmp", "person 0.9")
    h.put(".incoming/IMG_0005.jpg", "person 0.9")
    let before = try await h.runOnce()
    #expect(before.seen == 0)
    #expect(before.processed == 0)
    try FileManager.default.moveItem(
      atPath: h.inbox + "/cam1/IMG_0001.JPG.part", toPath: h.inbox + "/cam1/IMG_0001.JPG")
    let after = try await h.runOnce()
    #expect(after.seen == 1)
    #expect(after.processed == 1)
    #expect(h.engine.scans == ["cam1/IMG_0001.JPG": 1])
  }

  @Test func aGrowingFileIsNotProcessedUntilComplete() async throws {
    var h = WatchHarness("growing")
    defer { h.folder.remove() }
    h.configuration.settleSeconds = 0.6
    let path = h.inbox + "/cam1/IMG_0001.JPG"
    TestFiles.write("person 0.9\n", to: path)
    // An upload over a weak link: a line every 100 ms for 2 s.
    let writer = Thread {
      let handle = FileHandle(forWritingAtPath: path)!
      for i in 0..<20 {
        Thread.sleep(forTimeInterval: 0.1)
        handle.seekToEndOfFile()
        handle.write(Data("# chunk \(i)\n".utf8))
      }
      handle.closeFile()
    }
    writer.start()
    var unstableSeen = 0
    while !writer.isFinished {
      let summary = try await h.runOnce()
      #expect(summary.processed == 0, "processed while still growing")
      unstableSeen += summary.unstable
      if writer.isFinished { break }
    }
    #expect(unstableSeen > 0)
    // Complete now: the next run waits out the settle time and processes it, once.
    var processed = 0
    for _ in 0..<3 where processed == 0 {
      processed += try await h.runOnce().processed
    }
    #expect(processed == 1)
    let finalSize = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
    let rows = try h.files()
    #expect(rows.count == 1)
    #expect(rows.first?.status == .done)
    #expect(rows.first?.size == Int64(finalSize))
    #expect(h.engine.scans["cam1/IMG_0001.JPG"] == 1)
  }

  @Test func failuresAreRetriedABoundedNumberOfTimes() async throws {
    var h = WatchHarness("retries")
    defer { h.folder.remove() }
    h.configuration.maxAttempts = 3
    h.put("cam1/broken.jpg", "corrupt")
    #expect(try await h.runOnce().retrying == 1)
    #expect(try await h.runOnce().retrying == 1)
    let third = try await h.runOnce()
    #expect(third.failed == 1)
    #expect(third.retrying == 0)
    let fourth = try await h.runOnce()
    #expect(fourth.failed == 0 && fourth.processed == 0)
    let row = try #require(try h.files().first)
    #expect(row.status == .failed)
    #expect(row.attempts == 3)
    #expect(row.failureReason == "truncated: premature end of data")
    #expect(h.engine.scans["cam1/broken.jpg"] == 3)
  }

  @Test func theRetryDelayIsHonoured() async throws {
    var h = WatchHarness("retry-delay")
    defer { h.folder.remove() }
    h.configuration.retryDelaySeconds = 3600
    h.put("cam1/broken.jpg", "corrupt")
    #expect(try await h.runOnce().retrying == 1)
    let next = try await h.runOnce()
    #expect(next.retrying == 0 && next.processed == 0)
    #expect(h.engine.scans["cam1/broken.jpg"] == 1)
  }

  @Test func sameContentIsADuplicateAndAChangedFileANewVersion() async throws {
    let h = WatchHarness("duplicates")
    defer { h.folder.remove() }
    h.put("cam1/IMG_0001.JPG", "person 0.9\ncaptured 2024-05-01T06:00:00")
    h.put("retry-upload/IMG_0001.JPG", "person 0.9\ncaptured 2024-05-01T06:00:00")
    let first = try await h.runOnce()
    #expect(first.processed == 1)
    #expect(first.duplicates == 1)
    #expect(first.alertsNew == 1)
    // The camera reused the name for a new picture.
    h.put("cam1/IMG_0001.JPG", "person 0.8\ncaptured 2024-06-01T06:00:00")
    TestFiles.setModified(h.inbox + "/cam1/IMG_0001.JPG", seconds: 1_800_000_000)
    let second = try await h.runOnce()
    #expect(second.processed == 1)
    #expect(second.alertsNew == 1)
    let rows = try h.files()
    #expect(rows.map(\.status) == [.done, .duplicate, .done])
    #expect(rows[1].duplicateOf == rows[0].id)
    #expect(Set(rows.compactMap(\.contentHash)).count == 2)
  }

  @Test func twoWatchersNeverShareAnOutputFolder() async throws {
    let h = WatchHarness("lock")
    defer { h.folder.remove() }
    let first = try h.makeWatcher()
    #expect {
      _ = try h.makeWatcher()
    } throws: { error in
      guard case WatchError.locked(_, let holder) = error else { return false }
      return holder?.contains("pid \(getpid())") == true
    }
    _ = first
  }

  @Test func aSecondCommitOfTheSameFileChangesNothing() throws {
    // The database's own check behind the lock: whoever commits second finds the file no
    // longer open and writes nothing (no second alert, no second delivery).
    let h = WatchHarness("double-commit")
    defer { h.folder.remove() }
    h.put("cam1/IMG_0001.JPG", "person 0.9")
    let watcher = try h.makeWatcher()
    let observed = try InboxObserver(inbox: h.inbox, settleSeconds: 0)
      .observe(store: watcher.store, now: Date())
    let ready = try #require(observed.ready.first)
    let committer = ImageCommitter(
      sinks: ["jsonl"], groupWindowSeconds: 0, maxAttempts: 3, retryDelaySeconds: 0, moves: false)
    let builder = FrameAlertBuilder(
      modelName: "scripted", modelVersion: "scripted-1", defaults: h.engine.defaultThresholds,
      overrides: ClassThresholds(), locator: ImageLocator(), policy: .all)
    let first = FileProcessor(
      producer: h.engine.makeProducer(), store: watcher.store, committer: committer,
      builder: builder)
    let second = FileProcessor(
      producer: h.engine.makeProducer(), store: watcher.store, committer: committer,
      builder: builder)
    let committed = try first.process(ready)
    guard case .committed(.alerted(_, created: true)) = committed else {
      Issue.record("first commit: \(committed)")
      return
    }
    #expect(try second.process(ready) == .committed(.stale))
    #expect(try watcher.store.read { try OutboxAlert.fetchCount($0) } == 1)
    #expect(try watcher.store.read { try Delivery.fetchCount($0) } == 1)
  }

  @Test func anOutputFolderInsideTheInboxIsRefused() throws {
    var h = WatchHarness("nested")
    defer { h.folder.remove() }
    h.configuration.output = h.inbox + "/results"
    #expect(throws: WatchError.self) { _ = try h.makeWatcher() }
  }
}
