import Foundation
import Formats
import Testing

@testable import Pipeline

/// What the shipped weights must find on the demo card, whose synthetic targets are listed in
/// `SampleImages/expected.csv`. These pin the model's quality, so retrained weights that lose a
/// person here fail the suite.
@Suite(.serialized) struct ShippedModelTests {
  struct Target {
    var file: String
    var label: String
    var box: [Double]
  }

  static func targets() throws -> [Target] {
    let text = try String(
      contentsOf: ScanFixtures.samples.appendingPathComponent("expected.csv"), encoding: .utf8)
    return text.split(separator: "\n").dropFirst().map { line in
      let f = line.split(separator: ",").map(String.init)
      return Target(file: f[0], label: f[1], box: f[2...5].map { Double($0)! })
    }
  }

  static func iou(_ a: [Double], _ b: [Double]) -> Double {
    let w = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    let h = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    let inter = w * h
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)
  }

  @Test func findsEveryPersonOnTheDemoCardAndTheNightPickup() throws {
    let card = try ScanFixtures.sampleCard()
    let out = card.deletingLastPathComponent().appendingPathComponent("out")
    _ = try ScanRunner(configuration: ScanFixtures.configuration(card: card, output: out)).run()
    let results = try MegaDetectorOutput.decode(
      Array(try Data(contentsOf: out.appendingPathComponent("detections.json"))))
    let thresholds = try #require(results.info.lookout?.classThresholds)
    let byFile = Dictionary(uniqueKeysWithValues: results.images.map { ($0.file, $0) })
    let people = try Self.targets().filter { $0.label == "person" }
    #expect(people.count == 10)
    for person in people {
      let detections = try #require(byFile[person.file]?.detections)
      let hits = detections.filter {
        $0.category == 2 && $0.confidence >= thresholds["person"]!
          && Self.iou($0.bbox, person.box) >= 0.4
      }
      #expect(hits.count == 1, "person at \(person.box) in \(person.file)")
    }
    // The pickup in the night PNG, boxed.
    let pickup = try #require(
      Self.targets().first { $0.file.hasSuffix("_0006_T.png") && $0.label == "vehicle" })
    let night = try #require(byFile[pickup.file]?.detections)
    #expect(
      night.contains {
        $0.category == 3 && $0.confidence >= thresholds["vehicle"]!
          && Self.iou($0.bbox, pickup.box) >= 0.5
      })
    // No person or vehicle alert on the camera-trap photos, which show neither.
    let alerts = try String(
      contentsOf: out.appendingPathComponent("alerts.jsonl"), encoding: .utf8)
    #expect(!alerts.contains("river-camp/"))
  }
}
