import Detector
import Foundation
import Pipeline
import Testing

@testable import Watch

/// Errors that stop a watch keep their cause, and say the path once.
@Suite struct WatchStartErrorTests {
  @Test func anInboxThatVanishesIsNamedOnceWithTheSystemsReason() throws {
    let h = WatchHarness("inbox-gone")
    defer { h.folder.remove() }
    let watcher = try h.makeWatcher()
    try FileManager.default.removeItem(atPath: h.inbox)
    let expected = WatchError.inboxUnreadable(path: h.inbox, reason: "No such file or directory")
    #expect(throws: expected) {
      _ = try InboxObserver(inbox: h.inbox, settleSeconds: 0).observe(
        store: watcher.store, now: Date())
    }
    #expect(expected.description == "cannot read inbox \(h.inbox): No such file or directory")
  }

  @Test func aMissingModelIsTheLoadersErrorWithItsFile() throws {
    let folder = TestFolder("no-model")
    defer { folder.remove() }
    #expect(throws: WatchError.model(.fileNotFound(file: folder.path + "/lookout-det.json"))) {
      _ = try DetectorEngine.load(directory: folder.path, settings: .init(tile: .off))
    }
  }
}
