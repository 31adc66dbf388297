import Foundation
import Formats
import Testing

@testable import Pipeline

#if canImport(Glibc)
  import Glibc
#endif

/// Files that vanish or change between the walk and the read, or while being read, through the
/// fake read calls (``FakeReadCalls``: deterministic, no timing): each gets a specific reason, the lane never
/// blocks, and the untouched files' records equal a clean run's.
@Suite struct VanishingFileTests {
  /// What the hook does to a file, by name.
  static let actions: [String: @Sendable (String, FakeReadCalls.Moment) -> Void] = [
    "vanish.jpg": { path, moment in if moment == .beforeOpen { unlink(path) } },
    "emptied.jpg": { path, moment in if moment == .beforeOpen { truncate(path, 0) } },
    "halved.jpg": { path, moment in
      if moment == .beforeOpen { truncate(path, off_t(Self.size(path) / 2)) }
    },
    "fifo.jpg": { path, moment in
      if moment == .beforeOpen {
        unlink(path)
        mkfifo(path, 0o644)
      }
    },
    "folder.jpg": { path, moment in
      if moment == .beforeOpen {
        unlink(path)
        mkdir(path, 0o755)
      }
    },
    "swapped.jpg": { path, moment in
      if moment == .beforeOpen { Self.replace(path, with: HostileCorpus.pngSample) }
    },
    "growing.jpg": { path, moment in
      if moment == .afterRead {
        let fd = open(path, O_WRONLY | O_APPEND)
        _ = [UInt8](repeating: 0x42, count: 1000).withUnsafeBytes {
          write(fd, $0.baseAddress!, $0.count)
        }
        close(fd)
      }
    },
    "replaced_after_read.jpg": { path, moment in
      if moment == .afterRead { Self.replace(path, with: HostileCorpus.pngSample) }
    },
  ]

  static func size(_ path: String) -> Int {
    var info = stat()
    return stat(path, &info) == 0 ? Int(info.st_size) : 0
  }

  /// Replaces `path` by a new file (another inode) holding a sample's bytes, as a camera or an
  /// upload that rewrites a file would.
  static func replace(_ path: String, with sample: String) {
    let temporary = path + ".new"
    try? writeFile(temporary, (try? Repository.sampleBytes(sample)) ?? [])
    rename(temporary, path)
  }

  @Test(.timeLimit(TestEnvironment.minutes(2)))
  func filesChangingDuringTheScanGetSpecificReasons() throws {
    let folder = try TemporaryFolder("vanishing")
    defer { folder.remove() }
    let jpeg = try Repository.sampleBytes(HostileCorpus.jpegSample)
    let names = Self.actions.keys.sorted() + ["steady_a.jpg", "steady_b.jpg", "steady_c.png"]
    func makeCard(_ card: String) throws {
      for name in names where !name.hasSuffix(".png") {
        try writeFile(card + "/site/cam/" + name, jpeg)
      }
      try writeFile(
        card + "/site/cam/steady_c.png", try Repository.sampleBytes(HostileCorpus.pngSample))
    }
    try makeCard(folder.sub("clean"))
    try scanInProcess(card: folder.sub("clean"), output: folder.sub("clean-out"))
    let clean = try OutputSnapshot(directory: folder.sub("clean-out")).imageRecords

    let card = folder.sub("card")
    try makeCard(card)
    let calls = FakeReadCalls { path, moment in
      let name = String(path.split(separator: "/").last ?? "")
      Self.actions[name]?(path, moment)
    }
    let report = try scanInProcess(card: card, output: folder.sub("out"), readCalls: calls)
    #expect(report.images == names.count)
    let records = try OutputSnapshot(directory: folder.sub("out")).imageRecords
    func failure(_ name: String) -> String {
      records["site/cam/" + name]?["failure"]?.stringValue ?? "<none>"
    }
    func expectFailure(_ name: String, _ code: String, _ mentioning: String) {
      let text = failure(name)
      #expect(text.hasPrefix(code + ": ") && text.contains(mentioning), "\(name): \(text)")
    }
    expectFailure("vanish.jpg", "unreadable", "No such file or directory")
    expectFailure("emptied.jpg", "empty", "0 bytes")
    expectFailure("halved.jpg", "truncated", "truncated image")
    expectFailure("fifo.jpg", "unreadable", "FIFO")
    expectFailure("folder.jpg", "unreadable", "is a directory")
    expectFailure("growing.jpg", "unreadable", "changed while it was read")
    // A whole new file before the read is simply that file; one replaced after the read
    // leaves a consistent read of the old one.
    #expect(records["site/cam/swapped.jpg"]?["width"]?.intValue == 640)
    #expect(records["site/cam/swapped.jpg"]?["failure"] == nil)
    #expect(records["site/cam/replaced_after_read.jpg"]?["failure"] == nil)
    // Their detections are unchanged; their event is not compared, since it counts the
    // camera's other images, which differ between the two cards.
    func withoutEvent(_ record: JSONValue?) -> JSONValue? {
      record?.objectMembers.map { .object($0.filter { $0.0 != "event" }) }
    }
    for name in ["steady_a.jpg", "steady_b.jpg", "steady_c.png"] {
      #expect(
        withoutEvent(records["site/cam/" + name]) == withoutEvent(clean["site/cam/" + name]),
        "\(name) changed")
    }

    // The checkpoint records the version that was read: the swapped and halved files are not
    // scanned again on resume, while the two that changed after their read (growing,
    // replaced_after_read) and the FIFO (whose size was never read) are.
    let resumed = try scanInProcess(card: card, output: folder.sub("out")) {
      $0.resume = true
    }
    #expect(resumed.scannedNow == 3)
    let after = try OutputSnapshot(directory: folder.sub("out")).imageRecords
    #expect(after["site/cam/growing.jpg"]?["failure"] == nil)
    #expect(after["site/cam/vanish.jpg"] == nil)
    #expect(after["site/cam/folder.jpg"] == nil)
  }
}
