import Foundation
import Formats
import LookoutCore
import Testing

@testable import Pipeline

/// Events: each camera's images in capture-time order, cut where the gap exceeds
/// `--event-gap`, written beside each image in detections.json.
@Suite struct EventGroupingTests {
  typealias Card = OutcomeCard

  @Test func aCamerasImagesAreCutWhereTheGapExceedsTheEventGap() throws {
    // File order is not time order: IMG_0003 was taken first.
    let folder = try Card.folder([
      Card.image("site-a/cam1/IMG_0001.JPG", local: Card.time(100)),
      Card.image("site-a/cam1/IMG_0002.JPG", local: Card.time(160)),
      Card.image("site-a/cam1/IMG_0003.JPG", local: Card.time(50)),
      Card.image("site-a/cam1/IMG_0004.JPG", local: Card.time(221)),
    ])
    let images = try Card.images(folder)
    let events = images.map(\.event)
    #expect(events.allSatisfy { $0 != nil })
    // 50 → 100 → 160 are 50 and 60 s apart (one event); 221 is 61 s after 160.
    #expect(events[0]?.id == "site-a/cam1#1")
    #expect(events[1]?.id == "site-a/cam1#1")
    #expect(events[2]?.id == "site-a/cam1#1")
    #expect(events[3]?.id == "site-a/cam1#2")
    #expect(events[0]?.start == Card.time(50))
    #expect(events[0]?.end == Card.time(160))
    #expect(events[0]?.frames == 3)
    #expect(events[3]?.frames == 1)
    #expect(events[0]?.timeSource == .exif)
    // And it is in the bytes, as an extra member beside the image.
    let text = String(decoding: try Data(contentsOf: folder.appendingPathComponent("detections.json")), as: UTF8.self)
    #expect(text.contains("\"event\": {"))
    #expect(text.contains("\"id\": \"site-a/cam1#2\""))
    #expect(text.contains("\"event_gap_seconds\": 60"))
  }

  @Test func theEventGapIsAnOption() throws {
    let folder = try Card.folder(
      [
        Card.image("cam1/a.jpg", local: Card.time(0)),
        Card.image("cam1/b.jpg", local: Card.time(100)),
      ], eventGapSeconds: 120)
    let ids = try Card.eventIDs(folder)
    #expect(ids["cam1/a.jpg"] == "cam1#1")
    #expect(ids["cam1/b.jpg"] == "cam1#1")
  }

  @Test func twoCamerasWithTheSameFileNamesHaveTheirOwnEvents() throws {
    let folder = try Card.folder([
      Card.image("site-a/cam1/IMG_0001.JPG", local: Card.time(0)),
      Card.image("site-a/cam2/IMG_0001.JPG", local: Card.time(0)),
      Card.image("site-b/cam1/IMG_0001.JPG", local: Card.time(10)),
    ])
    let ids = try Card.eventIDs(folder)
    #expect(ids["site-a/cam1/IMG_0001.JPG"] == "site-a/cam1#1")
    #expect(ids["site-a/cam2/IMG_0001.JPG"] == "site-a/cam2#1")
    #expect(ids["site-b/cam1/IMG_0001.JPG"] == "site-b/cam1#1")
    #expect(try Card.images(folder).allSatisfy { $0.event?.frames == 1 })
  }

  @Test func imagesWithoutAnEXIFTimeAreGroupedByFileTimeAndSaySo() throws {
    let base: Int64 = 1_714_543_200  // 2024-05-01T06:00:00Z
    let folder = try Card.folder([
      Card.image("cam1/a.jpg", local: nil, modifiedSeconds: base),
      Card.image("cam1/b.jpg", local: nil, modifiedSeconds: base + 30),
      Card.image("cam1/c.jpg", local: nil, modifiedSeconds: base + 3600),
    ])
    let images = try Card.images(folder)
    #expect(images.map { $0.event?.timeSource } == [.file, .file, .file])
    #expect(images.map { $0.event?.id } == ["cam1#1", "cam1#1", "cam1#2"])
    #expect(images[0].event?.start == "2024-05-01T06:00:00Z")
    #expect(images[0].event?.end == "2024-05-01T06:00:30Z")
  }

  @Test func aFailedImageBelongsToNoEvent() throws {
    var failed = ImageOutcome(file: "cam1/b.jpg", size: 3, modifiedNanoseconds: 0)
    failed.failureCode = "truncated"
    failed.failureReason = "premature end of JPEG data"
    let folder = try Card.folder([Card.image("cam1/a.jpg", local: Card.time(0)), failed])
    let images = try Card.images(folder)
    #expect(images[0].event?.id == "cam1#1")
    #expect(images[1].event == nil)
  }

  @Test func aCardMergedFromFourShardsHasTheSameEvents() throws {
    var outcomes: [ImageOutcome] = []
    for camera in ["site-a/cam1", "site-a/cam2", "site-b/cam1"] {
      for n in 0..<12 {
        // Bursts of three, 20 s apart, an hour between bursts.
        let seconds = (n / 3) * 3600 + (n % 3) * 20
        outcomes.append(Card.image("\(camera)/IMG_\(1000 + n).JPG", local: Card.time(seconds)))
      }
    }
    let whole = try Card.folder(outcomes)
    var shards: [String] = []
    for index in 0..<4 {
      let selection = ShardSelection(index: index, count: 4)
      let part = outcomes.filter { selection.contains(relativePath: $0.file) }
      shards.append(try Card.folder(part, shard: selection).path)
    }
    let merged = try ScanFixtures.temporaryFolder().appendingPathComponent("merged")
    _ = try ShardMerger.merge(shardDirectories: shards, output: merged.path)
    let expected = try Card.images(whole).map(\.event)
    #expect(expected.allSatisfy { $0 != nil })
    #expect(Set(expected.compactMap { $0?.id }).count == 12)
    #expect(try Card.images(merged).map(\.event) == expected)
  }

  @Test func rethresholdKeepsTheScansEventGap() throws {
    let folder = try Card.folder(
      [
        Card.image("cam1/a.jpg", local: Card.time(0)),
        Card.image("cam1/b.jpg", local: Card.time(100)),
      ], eventGapSeconds: 120)
    let scan = try FinishedScan.load(directory: folder.path)
    #expect(scan.eventGapSeconds == 120)
    var thresholds = scan.thresholds
    thresholds.set(.person, to: 0.9)
    _ = try scan.rethreshold(thresholds)
    #expect(try Card.eventIDs(folder) == ["cam1/a.jpg": "cam1#1", "cam1/b.jpg": "cam1#1"])
  }
}
