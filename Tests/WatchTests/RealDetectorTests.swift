import Formats
import Foundation
import GRDB
import LookoutCore
import Pipeline
import Testing

@testable import Watch

/// The production path: the shipped model through `DetectorEngine` and `ImageScanner`. What it
/// detects is not assumed; thresholds and the minimum confidence are 0 so that any person or
/// vehicle box alerts, and the checks are about the watch: every image processed once, alerts
/// consistent with what was found, the damaged file retried and then failed.
@Suite struct RealDetectorTests {
  @Test func processesSampleImagesWithTheShippedModel() async throws {
    var h = WatchHarness("real-detector")
    defer { h.folder.remove() }
    let samples = TestFiles.repositoryRoot + "/SampleImages"
    let picks = [
      "ridge-north/drone01/DJI_20240914061203_0001_T.JPG",
      "ridge-north/drone01/DJI_20240914215212_0006_T.png",
      "river-camp/cam03/RCNX0004.jpg",
      "river-camp/cam03/DCIM_corrupt_0007.JPG",
    ]
    for pick in picks {
      try FileManager.default.copyItem(
        atPath: samples + "/" + pick,
        toPath: h.inbox + "/" + pick.replacingOccurrences(of: "/", with: "_"))
    }
    h.configuration.maxAttempts = 2
    h.configuration.thresholds = ClassThresholds(classes: ["person": 0, "vehicle": 0])
    var settings = ImageScanSettings()
    settings.detection.minimumConfidence = 0
    let engine = try DetectorEngine.load(
      directory: TestFiles.repositoryRoot + "/Models", settings: settings)
    let make = { () throws -> InboxWatcher in
      try InboxWatcher(configuration: h.configuration, loadEngine: { engine })
    }
    let first = try await make().runOnce()
    #expect(first.seen == 4)
    #expect(first.processed == 3)
    #expect(first.retrying == 1)
    let second = try await make().runOnce()
    #expect(second.processed == 0)
    #expect(second.failed == 1)
    let rows = try h.files()
    #expect(rows.filter { $0.status == .done }.count == 3)
    let failed = try #require(rows.first { $0.status == .failed })
    #expect(failed.path.hasSuffix("DCIM_corrupt_0007.JPG"))
    #expect(failed.failureReason?.isEmpty == false)
    // Every alert is recorded on its image and written once to alerts.jsonl.
    let alerts = try h.alerts()
    #expect(alerts.count == rows.filter { $0.alertID != nil }.count)
    #expect(TestFiles.lines(h.jsonl).count == alerts.count)
    for alert in alerts {
      let payload = try #require(h.latestPayloads()[alert.id])
      #expect(payload["model_version"] as? String == engine.modelVersion)
    }
  }
}
