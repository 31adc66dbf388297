import Foundation
import Formats
import Testing

@testable import Pipeline

/// Scans with deployments, protected areas and per-site thresholds: alerts are placed as
/// `lookout watch` places them, and `rethreshold` and `merge` keep the settings. Every detection
/// alerts (thresholds 0), so no test depends on what the model finds.
@Suite(.serialized) struct ScanPlacementTests {
  static let deployments = """
    deployment_id,latitude,longitude,path_pattern,camera_id,site
    gate-cam1,-3.123456789,36.2,gate/cam1,CAM-17,Gate
    ridge,-1.5,35.5,ridge-north/drone01,,

    """
  /// "Gate zone" around the gate camera, "Ridge block" around the drone frames' EXIF GPS.
  static let areas = """
    {"type": "FeatureCollection", "features": [
      {"type": "Feature", "properties": {"name": "Gate zone"},
       "geometry": {"type": "Polygon", "coordinates": [
         [[36.1, -3.2], [36.3, -3.2], [36.3, -3.0], [36.1, -3.0], [36.1, -3.2]]]}},
      {"type": "Feature", "properties": {"name": "Ridge block"},
       "geometry": {"type": "Polygon", "coordinates": [
         [[23.0, -20.0], [24.0, -20.0], [24.0, -19.0], [23.0, -19.0], [23.0, -20.0]]]}}]}
    """
  static let gateImage = "gate/cam1/IMG_0001.JPG"
  static let droneImage = Repository.thermalSamples[0]

  /// The thermal drone frames (with EXIF GPS), and the first of them again without GPS under
  /// `gate/cam1/`; the deployments and areas files beside the card.
  static func prepare(_ folder: TemporaryFolder) throws -> String {
    let card = folder.sub("card")
    try copySamples(Repository.thermalSamples, into: card)
    let jpeg = try Repository.sampleBytes(droneImage)
    try writeFile(card + "/" + gateImage, ByteSurgery.jpegWithoutGPS(jpeg))
    try writeFile(folder.sub("deployments.csv"), Array(deployments.utf8))
    try writeFile(folder.sub("areas.geojson"), Array(areas.utf8))
    return card
  }

  /// Every detection kept and alerting, placed with the deployments and areas beside the card.
  static func placed(
    _ folder: TemporaryFolder, sites: [String: [String: Double]] = [:]
  ) -> (inout ScanConfiguration) -> Void {
    { config in
      config.image.detection.minimumConfidence = 0
      config.thresholdOverrides = ["person=0", "vehicle=0"]
      config.deploymentsPath = folder.sub("deployments.csv")
      config.areasPath = folder.sub("areas.geojson")
      config.configThresholds.sites = sites
    }
  }

  /// alerts.jsonl's records by file.
  static func alerts(_ output: String) throws -> [String: JSONValue] {
    var byFile: [String: JSONValue] = [:]
    for line in JSONLinesReader.split(readBytes(output + "/alerts.jsonl")).lines {
      let record = try JSONParser.parse(line)
      byFile[record["file"]?.stringValue ?? ""] = record
    }
    return byFile
  }

  @Test func alertsArePlacedByDeploymentsAndAreas() throws {
    let folder = try TemporaryFolder("placement")
    defer { folder.remove() }
    let card = try Self.prepare(folder)
    let output = folder.sub("out")
    try scanInProcess(card: card, output: output, configure: Self.placed(folder))
    let alerts = try Self.alerts(output)

    // No EXIF GPS: the deployment's place, rounded like any coordinate, and its names.
    let gate = try #require(alerts[Self.gateImage])
    #expect(gate["site"] == .string("Gate") && gate["camera"] == .string("CAM-17"))
    #expect(gate["latitude"] == .number(-3.1234568) && gate["longitude"] == .number(36.2))
    #expect(gate["altitude"] == .null)
    #expect(gate["inside_area"] == .string("Gate zone"))
    // EXIF GPS: its own position and altitude; site and camera from the folder layout, as its
    // deployment names none.
    let drone = try #require(alerts[Self.droneImage])
    #expect(drone["site"] == .string("ridge-north") && drone["camera"] == .string("drone01"))
    let latitude = try #require(drone["latitude"]?.doubleValue)
    #expect((-20.0)...(-19.0) ~= latitude)
    #expect(drone["altitude"]?.doubleValue != nil)
    #expect(drone["inside_area"] == .string("Ridge block"))
    #expect(alerts.values.allSatisfy { $0["inside_area"]?.stringValue != nil })

    // What the scan used is kept for rethreshold and merge.
    #expect(readBytes(output + "/.lookout/deployments.csv") == Array(Self.deployments.utf8))
    #expect(readBytes(output + "/.lookout/areas.geojson") == Array(Self.areas.utf8))
    let kept = try FinishedScan.load(directory: output).alerting
    #expect(kept.deployments?.path == folder.sub("deployments.csv"))
    #expect(kept.areas?.path == folder.sub("areas.geojson"))
  }

  @Test func perSiteThresholdsChangeOnlyThatSitesAlerts() throws {
    let folder = try TemporaryFolder("site-thresholds")
    defer { folder.remove() }
    let card = try Self.prepare(folder)
    let output = folder.sub("out")
    try scanInProcess(card: card, output: output, configure: Self.placed(folder))
    let before = readBytes(output + "/alerts.jsonl")
    let gate = try #require(try Self.alerts(output)[Self.gateImage])
    // Written to 3 decimals: below 1.0 there, so below a threshold of 1.
    try #require((gate["best_confidence"]?.doubleValue ?? 1) < 1)

    // The same folder resumed with a threshold of 1 for the gate's site ("Gate", from its
    // deployment): nothing is scanned again, and only that site's alert is gone.
    let report = try scanInProcess(card: card, output: output) { config in
      Self.placed(folder, sites: ["Gate": ["person": 1, "vehicle": 1]])(&config)
      config.resume = true
    }
    #expect(report.scannedNow == 0)
    let after = try Self.alerts(output)
    #expect(after[Self.gateImage] == nil)
    let others = JSONLinesReader.split(before).lines.filter {
      (try? JSONParser.parse($0))?["file"]?.stringValue != Self.gateImage
    }
    #expect(JSONLinesReader.split(readBytes(output + "/alerts.jsonl")).lines == others)
    #expect(after.count == others.count)
  }

  @Test func rethresholdAndMergeKeepTheScansSettings() throws {
    let folder = try TemporaryFolder("placement-merge")
    defer { folder.remove() }
    let card = try Self.prepare(folder)
    let sites: [String: [String: Double]] = [
      "Gate": ["person": 0.3, "vehicle": 0.3], "ridge-north": ["vehicle": 0.6],
    ]
    let whole = folder.sub("whole")
    try scanInProcess(card: card, output: whole, configure: Self.placed(folder, sites: sites))

    // Two shards with the same settings merge into the unsharded scan's outputs and settings.
    let shards = try (0..<2).map { index in
      let output = folder.sub("shard-\(index)")
      try scanInProcess(card: card, output: output) { config in
        Self.placed(folder, sites: sites)(&config)
        config.shard = ShardSelection(index: index, count: 2)
      }
      return output
    }
    let merged = folder.sub("merged")
    _ = try ShardMerger.merge(shardDirectories: shards, output: merged)
    #expect(
      try ScanFixtures.outputsEqual(URL(fileURLWithPath: whole), URL(fileURLWithPath: merged)))
    for name in ["alerting.json", "deployments.csv", "areas.geojson"] {
      #expect(readBytes(merged + "/.lookout/" + name) == readBytes(whole + "/.lookout/" + name))
    }

    // A shard whose outputs were rewritten without the areas is refused.
    try scanInProcess(card: card, output: shards[1]) { config in
      Self.placed(folder, sites: sites)(&config)
      config.shard = ShardSelection(index: 1, count: 2)
      config.areasPath = nil
      config.resume = true
    }
    #expect(throws: MergeError.mismatch(path: shards[1], reason: "its protected areas differ")) {
      _ = try ShardMerger.merge(shardDirectories: shards, output: folder.sub("refused"))
    }

    // Rethresholding equals a fresh scan with those class thresholds and the same settings.
    let scan = try FinishedScan.load(directory: whole)
    var thresholds = scan.thresholds
    for text in ["person=0.5", "vehicle=0.4"] { _ = thresholds.apply(override: text) }
    _ = try scan.rethreshold(thresholds)
    let fresh = folder.sub("fresh")
    try scanInProcess(card: card, output: fresh) { config in
      Self.placed(folder, sites: sites)(&config)
      config.thresholdOverrides = ["person=0.5", "vehicle=0.4"]
    }
    #expect(try ScanFixtures.outputsEqual(URL(fileURLWithPath: whole), URL(fileURLWithPath: fresh)))
    #expect(
      readBytes(whole + "/.lookout/alerting.json") == readBytes(fresh + "/.lookout/alerting.json"))
  }
}
