import Foundation
import Formats
import Testing

@testable import Pipeline

/// How one outcome becomes an alert record.
@Suite struct ScanOutputsTests {
  static let context = OutputContext(
    modelName: "lookout-det", modelVersion: "9.9.9",
    thresholds: AlertThresholds(animal: 0.2, person: 0.4, vehicle: 0.5), inputLongSide: 640,
    minimumConfidence: 0.05, started: Date(timeIntervalSince1970: 0),
    finished: Date(timeIntervalSince1970: 1), seconds: 1)

  static func outcome(person confidence: Float) -> ImageOutcome {
    var outcome = ImageOutcome(
      file: "site-a/cam1/IMG_0001.JPG", size: 1234, modifiedNanoseconds: 1_700_000_000_000_000_005)
    outcome.detections = [
      StoredDetection(classIndex: 1, confidence: confidence, box: [0.1, 0.2, 0.05, 0.1]),
      StoredDetection(classIndex: 0, confidence: 0.9, box: [0.5, 0.5, 0.2, 0.2]),
    ]
    // What summing EXIF's degree/minute/second rationals gives for 19°12'36.612"S.
    outcome.latitude = -(19.0 + 12.0 / 60.0 + 36.612 / 3600.0)
    outcome.longitude = 29.0 + 30.0 / 60.0 + 0.1 / 3600.0
    outcome.altitude = 1234.5678901
    return outcome
  }

  @Test func coordinatesLoseTheirRationalNoise() throws {
    let raw = Self.outcome(person: 0.8)
    #expect(raw.latitude != -19.21017)  // the noise this test is about is really there
    let alert = try #require(ScanOutputs.alert(for: raw, context: Self.context))
    #expect(alert.latitude == -19.21017)
    #expect(alert.longitude == 29.5000278)
    #expect(alert.altitude == 1234.568)
    #expect(AlertEncoding.csvRow(alert).contains(",-19.21017,29.5000278,1234.568,"))
  }

  @Test func onlyPeopleAndVehiclesAtTheirThresholdsAlert() throws {
    #expect(ScanOutputs.alert(for: Self.outcome(person: 0.39), context: Self.context) == nil)
    let alert = try #require(ScanOutputs.alert(for: Self.outcome(person: 0.4), context: Self.context))
    #expect(alert.labels == ["person"])
    #expect(alert.boxes.map(\.label) == ["person"])
    #expect(alert.site == "site-a" && alert.camera == "cam1")
  }
}
