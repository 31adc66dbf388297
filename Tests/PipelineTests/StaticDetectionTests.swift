import Foundation
import Formats
import LookoutCore
import Testing

@testable import Pipeline

/// Static detections: a box that recurs at the same place of a camera in at least K images over
/// at least M events is marked `"static": true` in detections.json and raises no alert; the
/// summary counts what was held back, per camera.
@Suite struct StaticDetectionTests {
  typealias Card = OutcomeCard

  /// The stump the network takes for a crouching person: the same box (to a pixel's jitter).
  static func stump(_ n: Int) -> StoredDetection {
    let jitter = Float(n % 3) * 0.001
    return StoredDetection(classIndex: 1, confidence: 0.7, box: [0.2 + jitter, 0.5, 0.05, 0.15])
  }

  /// A person walking across the frame: frame `n` of the burst is further right.
  static func walker(_ n: Int) -> StoredDetection {
    StoredDetection(classIndex: 1, confidence: 0.9, box: [0.35 + 0.12 * Float(n), 0.3, 0.1, 0.3])
  }

  /// A person standing still at one place.
  static func stander(_ confidence: Float = 0.8) -> StoredDetection {
    StoredDetection(classIndex: 1, confidence: confidence, box: [0.6, 0.4, 0.1, 0.3])
  }

  /// `seconds` after 2024-05-01T00:00:00, any number of days on.
  static func time(_ seconds: Int) -> String {
    let day = seconds / 86_400
    let rest = seconds % 86_400
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return "2024-05-\(two(1 + day))T\(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))"
  }

  /// 40 events an hour apart at `camera`, three frames each two seconds apart, every frame
  /// showing the stump; a person walks through events 5 and 20.
  static func stumpCard(camera: String = "site-a/cam1") -> [ImageOutcome] {
    var outcomes: [ImageOutcome] = []
    for event in 0..<40 {
      for frame in 0..<3 {
        var detections = [stump(event * 3 + frame)]
        if event == 4 || event == 19 { detections.append(walker(frame)) }
        let number = event * 3 + frame + 1
        let name = "\(camera)/IMG_\(String(repeating: "0", count: 4 - "\(number)".count))\(number).JPG"
        outcomes.append(
          Card.image(name, local: time(event * 3600 + frame * 2), detections: detections))
      }
    }
    return outcomes
  }

  static func lines(_ folder: URL, _ name: String) throws -> [String] {
    try EventAlertTests.lines(folder, name)
  }

  static func summary(_ folder: URL) throws -> JSONValue {
    try JSONParser.parse(Array(try Data(contentsOf: folder.appendingPathComponent("summary.json"))))
  }

  static func alerts(_ folder: URL) throws -> [AlertRecord] {
    try lines(folder, "alerts.jsonl").map(AlertEncoding.decodeJSONLine)
  }

  @Test func aStumpAcrossFortyEventsIsStaticAndTheWalkerStillAlerts() throws {
    let folder = try Card.folder(Self.stumpCard())
    let alerts = try Self.alerts(folder)
    #expect(alerts.map { $0.event?.id } == ["site-a/cam1#5", "site-a/cam1#20"])
    // The walker's boxes alone: the stump is no part of the alert.
    for alert in alerts {
      #expect(alert.boxes.count == 1)
      #expect(alert.bestConfidence == 0.9)
      #expect(alert.event?.files.count == 3)
    }
    let images = try Card.images(folder)
    #expect(images.count == 120)
    for image in images {
      for detection in image.detections ?? [] {
        // The stump is the 0.7 box; the walker the 0.9 one.
        #expect(detection.isStatic == (detection.confidence == 0.7), "\(image.file)")
      }
    }
    let text = String(
      decoding: try Data(contentsOf: folder.appendingPathComponent("detections.json")),
      as: UTF8.self)
    #expect(text.components(separatedBy: "\"static\": true").count - 1 == 120)

    let held = try Self.summary(folder)["held_back_as_static"]
    #expect(held?["detections"]?.intValue == 120)
    // 40 events would have alerted; the two with the walker still do.
    #expect(held?["alerts"]?.intValue == 38)
    #expect(held?["by_camera"]?["site-a/cam1"]?["detections"]?.intValue == 120)
    #expect(held?["by_camera"]?["site-a/cam1"]?["alerts"]?.intValue == 38)
    #expect(try Self.summary(folder)["alerts"]?["total"]?.intValue == 2)
  }

  @Test func perImageAlertsCountTheImagesHeldBack() throws {
    let folder = try Card.folder(Self.stumpCard(), perImageAlerts: true)
    #expect(try Self.alerts(folder).count == 6)
    let held = try Self.summary(folder)["held_back_as_static"]
    #expect(held?["alerts"]?.intValue == 114)
  }

  @Test func keepStaticAlertsOnTheStump() throws {
    let folder = try Card.folder(Self.stumpCard(), staticRule: .off)
    let alerts = try Self.alerts(folder)
    #expect(alerts.count == 40)
    #expect(alerts.filter { $0.boxes.contains { $0.confidence == 0.7 } }.count == 40)
    let text = String(
      decoding: try Data(contentsOf: folder.appendingPathComponent("detections.json")),
      as: UTF8.self)
    #expect(!text.contains("\"static\""))
    #expect(text.contains("\"keep_static\": true"))
    #expect(try Self.summary(folder)["held_back_as_static"] == nil)
  }

  @Test func aPersonStandingStillThroughOneBurstAlertsOnce() throws {
    // Thirty frames a second apart, the same box in every one: one event, never static.
    let outcomes = (0..<30).map { n in
      Card.image(
        "site-a/cam1/IMG_\(1000 + n).JPG", local: Self.time(n), detections: [Self.stander()])
    }
    let folder = try Card.folder(outcomes)
    let alerts = try Self.alerts(folder)
    #expect(alerts.count == 1)
    #expect(alerts[0].event?.files.count == 30)
    #expect(try Card.images(folder).allSatisfy { $0.detections?.allSatisfy { !$0.isStatic } == true })
    #expect(try Self.summary(folder)["held_back_as_static"] == nil)
  }

  @Test func aPersonAtTheSamePlaceOnTwoDaysStillAlertsBothTimes() throws {
    var outcomes: [ImageOutcome] = []
    for day in 0..<2 {
      for n in 0..<15 {
        outcomes.append(
          Card.image(
            "site-a/cam1/IMG_\(1000 + day * 100 + n).JPG", local: Self.time(day * 86_400 + n),
            detections: [Self.stander()]))
      }
    }
    let folder = try Card.folder(outcomes)
    let alerts = try Self.alerts(folder)
    #expect(alerts.map { $0.event?.id } == ["site-a/cam1#1", "site-a/cam1#2"])
    #expect(try Card.images(folder).allSatisfy { $0.detections?.allSatisfy { !$0.isStatic } == true })
  }

  /// The stump card at cam1, and at cam2 the same file names with a person standing where the
  /// stump is, in two events.
  static var twoCameraCard: [ImageOutcome] {
    var outcomes = stumpCard(camera: "site-a/cam1")
    for (index, outcome) in stumpCard(camera: "site-a/cam2").enumerated() where index < 6 {
      var other = outcome
      other.detections = [stump(index)]
      outcomes.append(other)
    }
    return outcomes
  }

  @Test func aStaticBoxAtOneCameraDoesNotHideTheSamePlaceAtAnother() throws {
    let folder = try Card.folder(Self.twoCameraCard)
    let alerts = try Self.alerts(folder)
    #expect(
      alerts.compactMap { $0.event?.id }.sorted()
        == ["site-a/cam1#20", "site-a/cam1#5", "site-a/cam2#1", "site-a/cam2#2"])
    for image in try Card.images(folder) where image.file.hasPrefix("site-a/cam2/") {
      #expect(image.detections?.allSatisfy { !$0.isStatic } == true, "\(image.file)")
    }
    let held = try Self.summary(folder)["held_back_as_static"]
    #expect(held?["by_camera"]?["site-a/cam2"] == nil)
    #expect(held?["by_camera"]?["site-a/cam1"]?["detections"]?.intValue == 120)
  }

  @Test func aCardScannedInFourShardsAndMergedHasTheSameStaticMarks() throws {
    let card = Self.twoCameraCard
    let whole = try Card.folder(card)
    var shards: [String] = []
    for index in 0..<4 {
      let selection = ShardSelection(index: index, count: 4)
      let part = card.filter { selection.contains(relativePath: $0.file) }
      shards.append(try Card.folder(part, shard: selection).path)
    }
    let merged = try ScanFixtures.temporaryFolder().appendingPathComponent("merged")
    _ = try ShardMerger.merge(shardDirectories: shards, output: merged.path)
    #expect(try Card.images(merged) == Card.images(whole))
    #expect(try Self.lines(merged, "alerts.jsonl") == Self.lines(whole, "alerts.jsonl"))
    #expect(try Self.lines(merged, "alerts.csv") == Self.lines(whole, "alerts.csv"))
    #expect(
      try Self.summary(merged)["held_back_as_static"] == Self.summary(whole)["held_back_as_static"])
  }

  @Test func rethresholdMarksTheSameStaticDetections() throws {
    let card = Self.twoCameraCard
    let whole = try Card.folder(card)
    // A scan made with --keep-static, re-thresholded with the default rule.
    let kept = try Card.folder(card, staticRule: .off)
    let scan = try FinishedScan.load(directory: kept.path)
    #expect(scan.staticRule == .off)
    _ = try scan.rethreshold(scan.thresholds, staticRule: .standard)
    #expect(try Card.images(kept) == Card.images(whole))
    #expect(try Self.lines(kept, "alerts.jsonl") == Self.lines(whole, "alerts.jsonl"))
    // And a rethreshold that keeps the scan's rule keeps its marks.
    let again = try FinishedScan.load(directory: whole.path)
    _ = try again.rethreshold(again.thresholds)
    #expect(try Card.images(whole) == Card.images(kept))
  }

  @Test func aTunedRuleIsRecordedAndKeptByRethreshold() throws {
    let rule = StaticRule(minImages: 200, minEvents: 3, minIoU: 0.9)
    let folder = try Card.folder(Self.stumpCard(), staticRule: rule)
    // 120 images are fewer than 200: nothing is static.
    #expect(try Self.alerts(folder).count == 40)
    let scan = try FinishedScan.load(directory: folder.path)
    #expect(scan.staticRule == rule)
  }

  @Test func theTerminalSaysWhatWasHeldBackAndKeepStaticShowsIt() throws {
    // A scan made with --keep-static, then `lookout rethreshold` with the rule and without it.
    let folder = try Card.folder(Self.stumpCard(), staticRule: .off)
    let held = try LookoutProcess.run(
      ["rethreshold", folder.path, "--static-min-events", "5"],
      outputPath: folder.path + "/rethreshold.log")
    #expect(held.status == 0, "\(held)")
    #expect(
      held.output.contains(
        "Held back as static (--keep-static shows them): 120 detections, 38 alerts "
          + "(site-a/cam1 120 detections, 38 alerts)."), "\(held)")
    #expect(held.output.contains("2 alerts at"), "\(held)")
    let kept = try LookoutProcess.run(
      ["rethreshold", folder.path, "--keep-static"], outputPath: folder.path + "/kept.log")
    #expect(kept.status == 0, "\(kept)")
    #expect(!kept.output.contains("Held back"), "\(kept)")
    #expect(kept.output.contains("40 alerts at"), "\(kept)")
    #expect(try Self.alerts(folder).count == 40)
    let refused = try LookoutProcess.run(
      ["rethreshold", folder.path, "--static-min-events", "2"],
      outputPath: folder.path + "/refused.log")
    #expect(refused.status == 64, "\(refused)")
    #expect(refused.output.contains("--static-min-events must be 3 or more"), "\(refused)")
  }

  @Test func theIoUOfTwoBoxes() {
    #expect(StaticRule.iou([0, 0, 1, 1], [0, 0, 1, 1]) == 1)
    #expect(StaticRule.iou([0, 0, 1, 1], [2, 2, 1, 1]) == 0)
    #expect(abs(StaticRule.iou([0, 0, 2, 1], [1, 0, 2, 1]) - 1.0 / 3.0) < 1e-6)
  }
}
