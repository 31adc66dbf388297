import Foundation
import Formats
import LookoutCore
import Testing

@testable import Pipeline

/// One alert per event in alerts.jsonl and alerts.csv; `--per-image-alerts` keeps one per image.
@Suite struct EventAlertTests {
  typealias Card = OutcomeCard

  static func person(_ confidence: Float, x: Float = 0.4) -> StoredDetection {
    StoredDetection(classIndex: 1, confidence: confidence, box: [x, 0.3, 0.1, 0.3])
  }

  static func vehicle(_ confidence: Float) -> StoredDetection {
    StoredDetection(classIndex: 2, confidence: confidence, box: [0.1, 0.6, 0.3, 0.2])
  }

  /// A poacher walking through a burst of five (the third frame is best, the fourth also
  /// shows a vehicle), a blank frame in the same burst, and a second visit an hour later.
  static var card: [ImageOutcome] {
    [
      Card.image("site-a/cam1/IMG_0001.JPG", local: Card.time(0), detections: [person(0.6)]),
      Card.image("site-a/cam1/IMG_0002.JPG", local: Card.time(2), detections: [person(0.7)]),
      Card.image("site-a/cam1/IMG_0003.JPG", local: Card.time(4), detections: [person(0.95)]),
      Card.image(
        "site-a/cam1/IMG_0004.JPG", local: Card.time(6), detections: [person(0.8), vehicle(0.7)]),
      Card.image("site-a/cam1/IMG_0005.JPG", local: Card.time(8)),
      Card.image("site-a/cam1/IMG_0006.JPG", local: Card.time(3600), detections: [person(0.9)]),
    ]
  }

  static func lines(_ folder: URL, _ name: String) throws -> [String] {
    // Split on the byte, so a CSV row keeps its "\r" ("\r\n" is one Character).
    try Data(contentsOf: folder.appendingPathComponent(name))
      .split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
  }

  @Test func aBurstRaisesOneAlertWithItsBestFrameAndEveryFrame() throws {
    let folder = try Card.folder(Self.card)
    let alerts = try Self.lines(folder, "alerts.jsonl").map(AlertEncoding.decodeJSONLine)
    #expect(alerts.count == 2)
    let burst = alerts[0]
    #expect(burst.file == "site-a/cam1/IMG_0003.JPG")
    #expect(burst.bestConfidence == 0.95)
    #expect(burst.labels == ["person", "vehicle"])
    #expect(
      burst.event
        == AlertEvent(
          id: "site-a/cam1#1", start: Card.time(0), end: Card.time(8), frames: 5,
          files: (1...4).map { "site-a/cam1/IMG_000\($0).JPG" }))
    #expect(alerts[1].file == "site-a/cam1/IMG_0006.JPG")
    #expect(alerts[1].event?.id == "site-a/cam1#2")
    #expect(alerts[1].event?.files == ["site-a/cam1/IMG_0006.JPG"])

    let rows = try Self.lines(folder, "alerts.csv")
    #expect(rows.count == 3)
    #expect(rows[0] == AlertEncoding.eventCSVHeader + "\r")
    // The event's columns after the readable ones, its list of files last.
    #expect(rows[1].contains(",5,\(Card.time(0)),\(Card.time(8)),site-a/cam1#1,"))
    #expect(rows[1].hasSuffix(
      ",site-a/cam1/IMG_0001.JPG;site-a/cam1/IMG_0002.JPG;site-a/cam1/IMG_0003.JPG;"
        + "site-a/cam1/IMG_0004.JPG\r"))
    let summary = try JSONParser.parse(
      Array(try Data(contentsOf: folder.appendingPathComponent("summary.json"))))
    #expect(summary["alerts"]?["total"]?.intValue == 2)
  }

  @Test func perImageAlertsKeepOneRecordPerImageAsBefore() throws {
    let folder = try Card.folder(Self.card, perImageAlerts: true)
    let lines = try Self.lines(folder, "alerts.jsonl")
    #expect(lines.count == 5)
    #expect(lines.allSatisfy { !$0.contains("\"event\"") })
    let rows = try Self.lines(folder, "alerts.csv")
    #expect(rows[0] == AlertEncoding.csvHeader + "\r")
    #expect(rows.count == 6)
    // Each record is exactly what the alert rule makes of that image alone.
    let context = OutputContext(
      modelName: "lookout-det", modelVersion: "9.9.9", thresholds: ModelBundle.fallbackThresholds,
      inputLongSide: 640, minimumConfidence: 0.05, started: Date(), finished: Date(), seconds: 1)
    let expected = Self.card.compactMap { ScanOutputs.alert(for: $0, context: context) }
    #expect(lines == expected.map(AlertEncoding.jsonLine))
    #expect(Array(rows.dropFirst()) == expected.map { AlertEncoding.csvRow($0) + "\r" })
  }

  @Test func rethresholdAndMergeGiveTheSameEventAlerts() throws {
    let whole = try Card.folder(Self.card)
    let expected = try Self.lines(whole, "alerts.jsonl")
    let scan = try FinishedScan.load(directory: whole.path)
    _ = try scan.rethreshold(scan.thresholds)
    #expect(try Self.lines(whole, "alerts.jsonl") == expected)

    var shards: [String] = []
    for index in 0..<4 {
      let selection = ShardSelection(index: index, count: 4)
      let part = Self.card.filter { selection.contains(relativePath: $0.file) }
      shards.append(try Card.folder(part, shard: selection).path)
    }
    let merged = try ScanFixtures.temporaryFolder().appendingPathComponent("merged")
    _ = try ShardMerger.merge(shardDirectories: shards, output: merged.path)
    #expect(try Self.lines(merged, "alerts.jsonl") == expected)
    #expect(try Self.lines(merged, "alerts.csv") == Self.lines(whole, "alerts.csv"))
  }

  @Test func aScanWithPerImageAlertsIsRethresholdedPerImage() throws {
    let folder = try Card.folder(Self.card, perImageAlerts: true)
    let scan = try FinishedScan.load(directory: folder.path)
    _ = try scan.rethreshold(scan.thresholds)
    #expect(try Self.lines(folder, "alerts.jsonl").count == 5)
  }
}
