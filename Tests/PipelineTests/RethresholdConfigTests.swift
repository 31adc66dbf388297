import Foundation
import Formats
import Testing

@testable import Pipeline

/// `lookout rethreshold --config FILE` takes the thresholds `lookout tune` wrote.
@Suite(.enabled(if: Repository.lookoutExecutable != nil, "needs the built lookout executable"))
struct RethresholdConfigTests {
  @Test func theConfigsThresholdsApplyAndThresholdWinsOverThem() throws {
    let folder = try TemporaryFolder("rethreshold-config")
    defer { folder.remove() }
    let card = folder.sub("card")
    try copySamples(Array(Repository.thermalSamples.prefix(2)), into: card)
    let output = folder.sub("out")
    let scan = try LookoutProcess.run(
      ["scan", card, "--out", output, "--quiet"] + alertEverythingArguments,
      outputPath: folder.sub("scan.log"))
    try #require(scan.status == 0, "\(scan)")
    try #require(!readBytes(output + "/alerts.jsonl").isEmpty)

    try writeFile(
      folder.sub("lookout.json"),
      Array(#"{"thresholds": {"person": 1, "vehicle": 1, "sites": {"ridge-north": {"person": 0}}}}"#.utf8))
    let strict = try LookoutProcess.run(
      ["rethreshold", output, "--config", folder.sub("lookout.json")],
      outputPath: folder.sub("strict.log"))
    try #require(strict.status == 0, "\(strict)")
    // The classes from the file; the site's own person threshold from it too.
    try #require(!readBytes(output + "/alerts.jsonl").isEmpty, "no person alert at site ridge-north")
    for alert in try ScanPlacementTests.alerts(output).values {
      #expect(alert["thresholds"]?["vehicle"]?.doubleValue == 1)
      #expect(alert["thresholds"]?["person"]?.doubleValue == 0)
    }
    let detections = try JSONParser.parse(readBytes(output + "/detections.json"))
    #expect(detections["info"]?["lookout"]?["class_thresholds"]?["vehicle"]?.doubleValue == 1)

    let both = try LookoutProcess.run(
      ["rethreshold", output, "--config", folder.sub("lookout.json"), "--threshold", "vehicle=0",
       "--quiet"],
      outputPath: folder.sub("both.log"))
    try #require(both.status == 0, "\(both)")
    #expect(!readBytes(output + "/alerts.jsonl").isEmpty)
    for alert in try ScanPlacementTests.alerts(output).values {
      #expect(alert["thresholds"]?["vehicle"]?.doubleValue == 0)
    }

    let neither = try LookoutProcess.run(["rethreshold", output], outputPath: folder.sub("n.log"))
    #expect(neither.status == 64, "\(neither)")
  }
}
