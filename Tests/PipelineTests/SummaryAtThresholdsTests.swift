import Foundation
import Formats
import LookoutCore
import Testing

@testable import Pipeline

/// summary.json counts the detections that reach their alert thresholds, beside the count down
/// to the 0.05 floor that detections.json keeps (which reads like 91 people on 12 images).
@Suite struct SummaryAtThresholdsTests {
  static func detection(_ classIndex: Int, _ confidence: Float) -> StoredDetection {
    StoredDetection(classIndex: classIndex, confidence: confidence, box: [0.1, 0.1, 0.2, 0.2])
  }

  static func summary(_ folder: URL) throws -> JSONValue {
    try JSONParser.parse(Array(Data(contentsOf: folder.appendingPathComponent("summary.json"))))
  }

  @Test func detectionsAreCountedAtTheirThresholdsAndAtTheFloor() throws {
    // Thresholds 0.3 for every class (OutcomeCard's); class indices: 0 animal, 1 person, 2 vehicle.
    let folder = try OutcomeCard.folder([
      OutcomeCard.image(
        "site-a/cam1/a.jpg", local: nil,
        detections: [
          Self.detection(1, 0.6), Self.detection(1, 0.2), Self.detection(2, 0.31),
          Self.detection(2, 0.1), Self.detection(0, 0.9), Self.detection(0, 0.05),
        ]),
      OutcomeCard.image("site-a/cam1/b.jpg", local: nil, detections: [Self.detection(1, 0.29)]),
    ])
    let summary = try Self.summary(folder)
    #expect(
      summary["detections"]
        == .object([("animal", .integer(2)), ("person", .integer(3)), ("vehicle", .integer(2))]))
    #expect(
      summary["detections_at_thresholds"]
        == .object([("animal", .integer(1)), ("person", .integer(1)), ("vehicle", .integer(1))]))
    // Right after `detections`.
    let keys = (summary.objectMembers ?? []).map { $0.0 }
    let index = try #require(keys.firstIndex(of: "detections"))
    #expect(keys[index + 1] == "detections_at_thresholds")

    // rethreshold counts again at the new thresholds.
    let scan = try FinishedScan.load(directory: folder.path)
    _ = try scan.rethreshold(AlertThresholds(animal: 0.95, person: 0.1, vehicle: 0.3))
    #expect(
      try Self.summary(folder)["detections_at_thresholds"]
        == .object([("animal", .integer(0)), ("person", .integer(3)), ("vehicle", .integer(1))]))
  }
}
