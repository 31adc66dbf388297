import Foundation
import GRDB
import Pipeline
import Testing

@testable import Watch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What an uploader who controls names in the inbox (symbolic links, odd bytes) can and cannot
/// make the watcher do, and a state database that is not one.
@Suite struct InboxSecurityTests {
  @Test func aLinkedFolderLeavingTheInboxIsNeitherReadNorMoved() async throws {
    var h = WatchHarness("link-dir")
    defer { h.folder.remove() }
    let done = h.folder.path + "/done"
    h.configuration.moveProcessedTo = done
    let elsewhere = h.folder.sub("elsewhere")
    TestFiles.write("person 0.9", to: elsewhere + "/v2.jpg")
    h.put("site/cam/own.jpg", "animal 0.9")
    try FileManager.default.createSymbolicLink(
      atPath: h.inbox + "/site/linkcam", withDestinationPath: elsewhere)
    let log = LogLines()
    let summary = try await h.runOnce(log: log.sink)
    #expect(TestFiles.exists(elsewhere + "/v2.jpg"))
    #expect(!TestFiles.exists(done + "/site/linkcam/v2.jpg"))
    #expect(h.engine.scans["site/linkcam/v2.jpg"] == nil)
    #expect(try h.files().map(\.path) == ["site/cam/own.jpg"])
    #expect(summary.processed == 1 && summary.moved == 1)
    #expect(log.all.contains { $0.contains("site/linkcam/v2.jpg") && $0.contains("outside the inbox") })
  }

  @Test func aLinkedFileLeavingTheInboxIsNotRead() async throws {
    let h = WatchHarness("link-file")
    defer { h.folder.remove() }
    let elsewhere = h.folder.sub("elsewhere")
    TestFiles.write("person 0.9", to: elsewhere + "/secret.jpg")
    h.put("site/cam/own.jpg", "animal 0.9")
    try FileManager.default.createSymbolicLink(
      atPath: h.inbox + "/site/cam/link.jpg", withDestinationPath: elsewhere + "/secret.jpg")
    _ = try await h.runOnce()
    #expect(h.engine.scans["site/cam/link.jpg"] == nil)
    #expect(try h.files().map(\.path) == ["site/cam/own.jpg"])
  }

  @Test func aLinkThatStaysInsideTheInboxIsProcessed() async throws {
    let h = WatchHarness("link-inside")
    defer { h.folder.remove() }
    h.put("site/cam/a.jpg", "person 0.9")
    try FileManager.default.createSymbolicLink(
      atPath: h.inbox + "/site/alias", withDestinationPath: h.inbox + "/site/cam")
    _ = try await h.runOnce()
    // The walk enters the folder once, by the first name that leads to it.
    #expect(h.engine.scans == ["site/alias/a.jpg": 1])
  }

  /// A finished file whose folder is swapped for a link to the same folder moved elsewhere
  /// before the move: the mover would rename the file out of that folder.
  @Test func theMoverNeverMovesAFileOutsideTheInbox() async throws {
    var h = WatchHarness("move-outside")
    defer { h.folder.remove() }
    let done = h.folder.path + "/done"
    h.configuration.moveProcessedTo = done
    h.put("site/cam/a.jpg", "animal 0.9")
    // The first move fails (the destination is a file), so it stays pending.
    TestFiles.write("in the way", to: done)
    let log = LogLines()
    _ = try await h.runOnce(log: log.sink)
    #expect(try h.files().map(\.moveState) == [.pending])
    try FileManager.default.removeItem(atPath: done)
    let elsewhere = h.folder.sub("elsewhere")
    try FileManager.default.moveItem(atPath: h.inbox + "/site/cam", toPath: elsewhere + "/cam")
    try FileManager.default.createSymbolicLink(
      atPath: h.inbox + "/site/cam", withDestinationPath: elsewhere + "/cam")
    _ = try await h.runOnce(log: log.sink)
    #expect(TestFiles.exists(elsewhere + "/cam/a.jpg"))
    #expect(!TestFiles.exists(done + "/site/cam/a.jpg"))
    #expect(try h.files().map(\.moveState) != [.moved])
  }

  @Test func aNameThatIsNotUTF8IsMovedUnderItsShownName() async throws {
    var h = WatchHarness("move-bytes")
    defer { h.folder.remove() }
    let done = h.folder.path + "/done"
    h.configuration.moveProcessedTo = done
    let folder = h.folder.sub("inbox/site/cam")
    let raw = Array(folder.utf8) + Array("/caf".utf8) + [0xE9] + Array(".jpg".utf8)
    var path = raw.map { CChar(bitPattern: $0) }
    path.append(0)
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    try #require(fd >= 0)
    _ = "animal 0.9".withCString { write(fd, $0, 10) }
    close(fd)
    let log = LogLines()
    let summary = try await h.runOnce(log: log.sink)
    #expect(summary.moved == 1)
    #expect(access(path, F_OK) != 0)
    #expect(TestFiles.exists(done + "/site/cam/caf%E9.jpg"))
    #expect(try h.files().map(\.moveState) == [.moved])
    #expect(log.all.isEmpty)
  }

  @Test func shownPathsLeadBackToTheirBytes() {
    #expect(ShownPathBytes.candidates("s/a.jpg") == [Array("s/a.jpg".utf8)])
    #expect(
      ShownPathBytes.candidates("s/caf%E9.jpg")
        == [Array("s/caf%E9.jpg".utf8), Array("s/caf".utf8) + [0xE9] + Array(".jpg".utf8)])
    // Valid names with a percent sign show as themselves: no second reading.
    #expect(ShownPathBytes.candidates("s/100%.jpg") == [Array("s/100%.jpg".utf8)])
    #expect(ShownPathBytes.candidates("s/a%41.jpg") == [Array("s/a%41.jpg".utf8)])
  }

  @Test func anEmptyStateDatabaseIsRefused() async throws {
    let h = WatchHarness("empty-db")
    defer { h.folder.remove() }
    h.put("site/cam/a.jpg", "person 0.9")
    TestFiles.write("", to: h.output + "/watch.sqlite")
    do {
      _ = try await h.runOnce()
      Issue.record("an empty watch.sqlite was taken as a fresh state")
    } catch let error as WatchError {
      guard case .database(let path, let reason) = error else {
        Issue.record("unexpected error \(error)")
        return
      }
      #expect(path == h.output + "/watch.sqlite")
      #expect(reason.contains("empty"))
    }
    #expect(h.engine.scans.isEmpty)
    #expect(try Data(contentsOf: URL(fileURLWithPath: h.output + "/watch.sqlite")).isEmpty)
  }
}
