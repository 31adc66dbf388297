import Foundation
import Formats
import Geo
import LookoutCore
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

  /// A gate camera at a point inside "Gate zone"; the test photo's EXIF GPS is far from both.
  static let deployments = """
    deployment_id,latitude,longitude,path_pattern,camera_id,site
    gate-cam1,-3.123456789,36.2,gate/cam1,CAM-17,Gate
    """
  static let areas = """
    {"type": "Feature", "properties": {"name": "Gate zone"},
     "geometry": {"type": "Polygon", "coordinates": [
       [[36.1, -3.2], [36.3, -3.2], [36.3, -3.0], [36.1, -3.0], [36.1, -3.2]]]}}
    """

  static func placingContext() throws -> OutputContext {
    var context = Self.context
    context.locator = ImageLocator(
      areas: try GeoJSONAreaReader.parse(Array(areas.utf8), path: "areas.geojson"),
      deployments: try DeploymentsFile.parseForPlacement(Array(deployments.utf8), path: "d.csv"))
    return context
  }

  @Test func anImageWithoutGPSTakesItsDeploymentsPlace() throws {
    var outcome = Self.outcome(person: 0.8)
    outcome.file = "gate/cam1/IMG_0001.JPG"
    outcome.latitude = nil
    outcome.longitude = nil
    // An altitude without a position is not trusted, and a deployment has none.
    let alert = try #require(ScanOutputs.alert(for: outcome, context: try Self.placingContext()))
    #expect(alert.site == "Gate" && alert.camera == "CAM-17")
    #expect(alert.latitude == -3.1234568 && alert.longitude == 36.2)
    #expect(alert.altitude == nil)
    #expect(alert.insideArea == "Gate zone")
  }

  @Test func exifGPSWinsOverTheDeployment() throws {
    var outcome = Self.outcome(person: 0.8)
    outcome.file = "gate/cam1/IMG_0002.JPG"
    let placed = try #require(
      ScanOutputs.placedAlert(for: outcome, context: try Self.placingContext()))
    #expect(placed.place.source == .exif)
    #expect(placed.record.site == "Gate" && placed.record.camera == "CAM-17")
    #expect(placed.record.latitude == -19.21017 && placed.record.longitude == 29.5000278)
    #expect(placed.record.altitude == 1234.568)
    #expect(placed.record.insideArea == nil)
    #expect(placed.place.inside == false)
  }

  @Test func aCameraWithoutAnOffsetTakesItsDeploymentsOffset() throws {
    var context = Self.context
    context.locator = ImageLocator(
      deployments: try DeploymentsFile.parseForPlacement(
        Array(
          """
          deployment_id,latitude,longitude,path_pattern,timezone_offset
          gate-cam1,-3.1,36.2,gate/cam1,+03:00
          """.utf8), path: "d.csv"))
    var outcome = Self.outcome(person: 0.8)
    outcome.file = "gate/cam1/IMG_0001.JPG"
    outcome.capturedLocal = "2024-05-01T06:12:09"
    #expect(ScanOutputs.alert(for: outcome, context: context)?.capturedAt == "2024-05-01T06:12:09+03:00")
    // The camera's own offset wins; an image of no deployment keeps its local time.
    outcome.capturedOffset = "+02:00"
    #expect(ScanOutputs.alert(for: outcome, context: context)?.capturedAt == "2024-05-01T06:12:09+02:00")
    outcome.capturedOffset = nil
    outcome.file = "elsewhere/cam9/IMG_0001.JPG"
    #expect(ScanOutputs.alert(for: outcome, context: context)?.capturedAt == "2024-05-01T06:12:09")
  }

  @Test func aPositionOfZeroZeroIsNoPosition() throws {
    var outcome = Self.outcome(person: 0.8)
    outcome.latitude = 0
    outcome.longitude = 0
    let alert = try #require(ScanOutputs.alert(for: outcome, context: Self.context))
    #expect(alert.latitude == nil && alert.longitude == nil && alert.altitude == nil)
  }

  @Test func perSiteThresholdsApplyToThatSiteOnly() throws {
    var context = try Self.placingContext()
    // "Gate" is the deployment's site; the folder would say "gate".
    context.overrides = ClassThresholds(sites: ["Gate": ["person": 0.9]])
    let elsewhere = try #require(ScanOutputs.alert(for: Self.outcome(person: 0.8), context: context))
    #expect(elsewhere.thresholds == ["person": 0.4, "vehicle": 0.5])
    var gate = Self.outcome(person: 0.8)
    gate.file = "gate/cam1/IMG_0001.JPG"
    #expect(ScanOutputs.alert(for: gate, context: context) == nil)
    var sure = Self.outcome(person: 0.95)
    sure.file = gate.file
    let alert = try #require(ScanOutputs.alert(for: sure, context: context))
    #expect(alert.thresholds == ["person": 0.9, "vehicle": 0.5])
  }
}
