import Foundation
import Formats
import Testing

@testable import Pipeline

/// `lookout scan --deployments --areas --config` and `lookout rethreshold` as a user runs them.
@Suite(.enabled(if: Repository.lookoutExecutable != nil, "needs the built lookout executable"))
struct ScanPlacementCommandTests {
  /// An alert's person and vehicle thresholds.
  func thresholds(_ alert: JSONValue) -> [Double?] {
    [alert["thresholds"]?["person"]?.doubleValue, alert["thresholds"]?["vehicle"]?.doubleValue]
  }

  @Test func scanAppliesTheConfigsSiteThresholdsAndRethresholdKeepsThem() throws {
    let folder = try TemporaryFolder("placement-cli")
    defer { folder.remove() }
    let card = try ScanPlacementTests.prepare(folder)
    try writeFile(
      folder.sub("lookout.json"),
      Array(
        #"{"thresholds": {"person": 0, "vehicle": 0, "sites": {"Gate": {"person": 0.01}}}}"#.utf8))
    let output = folder.sub("out")
    let scan = try LookoutProcess.run(
      [
        "scan", card, "--out", output, "--jobs", "2", "--min-confidence", "0",
        "--config", folder.sub("lookout.json"), "--deployments", folder.sub("deployments.csv"),
        "--areas", folder.sub("areas.geojson"),
      ], outputPath: folder.sub("scan.log"))
    try #require(scan.status == 0, "\(scan)")
    #expect(!scan.output.contains("not applied"))
    var alerts = try ScanPlacementTests.alerts(output)
    let gate = try #require(alerts[ScanPlacementTests.gateImage])
    #expect(gate["site"] == .string("Gate") && gate["inside_area"] == .string("Gate zone"))
    #expect(thresholds(gate) == [0.01, 0])
    let drone = try #require(alerts[ScanPlacementTests.droneImage])
    #expect(thresholds(drone) == [0, 0])

    // New class thresholds; the site's own person threshold still wins for its images.
    let rethreshold = try LookoutProcess.run(
      ["rethreshold", output, "--threshold", "vehicle=0.001", "--quiet"],
      outputPath: folder.sub("rethreshold.log"))
    try #require(rethreshold.status == 0, "\(rethreshold)")
    alerts = try ScanPlacementTests.alerts(output)
    for (file, alert) in alerts {
      let person = file == ScanPlacementTests.gateImage ? 0.01 : 0.0
      #expect(thresholds(alert) == [person, 0.001], "\(file)")
      #expect(alert["inside_area"]?.stringValue != nil, "\(file)")
    }
  }

  @Test func unreadableFilesStopTheScanWithWatchsMessages() throws {
    let folder = try TemporaryFolder("placement-cli-errors")
    defer { folder.remove() }
    let card = try ScanPlacementTests.prepare(folder)
    let missing = folder.sub("missing.csv")
    let noDeployments = try LookoutProcess.run(
      ["scan", card, "--out", folder.sub("out"), "--deployments", missing],
      outputPath: folder.sub("deployments.log"))
    #expect(noDeployments.status == 1, "\(noDeployments)")
    #expect(
      noDeployments.output.contains(
        "lookout: deployments \(missing): no such file or directory (ENOENT)"),
      "\(noDeployments)")
    try writeFile(folder.sub("bad.geojson"), Array("{".utf8))
    let badAreas = try LookoutProcess.run(
      ["scan", card, "--out", folder.sub("out"), "--areas", folder.sub("bad.geojson")],
      outputPath: folder.sub("areas.log"))
    #expect(badAreas.status == 1, "\(badAreas)")
    #expect(
      badAreas.output.contains("lookout: protected areas \(folder.sub("bad.geojson")): "),
      "\(badAreas)")
    // Nothing was written.
    #expect(!FileManager.default.fileExists(atPath: folder.sub("out/.lookout/run.json")))
  }
}
