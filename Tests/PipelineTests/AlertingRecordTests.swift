import Foundation
import Formats
import LookoutSystem
import Testing

@testable import Pipeline

/// The alert settings a scan folder keeps in `.lookout/`: read, kept and read back.
@Suite struct AlertingRecordTests {
  static let csv = Array(ScanOutputsTests.deployments.utf8)
  static let geoJSON = Array(ScanOutputsTests.areas.utf8)

  static func settings(areas: Bool = true) throws -> AlertingSettings {
    try AlertingSettings(
      siteThresholds: ["river-camp": ["person": 0.35], "Gate": ["vehicle": 0.6]],
      deployments: AlertingInput(path: "/field/deployments.csv", bytes: csv),
      areas: areas ? AlertingInput(path: "park.geojson", bytes: geoJSON) : nil)
  }

  /// Stages and commits `settings` into `scan`'s `.lookout/`, as the output writer does.
  static func keep(_ settings: AlertingSettings, in scan: String) throws {
    let lookout = scan + "/.lookout"
    try FileManager.default.createDirectory(
      atPath: lookout + "/staging", withIntermediateDirectories: true)
    try AlertingRecord.stage(settings, in: lookout + "/staging", directory: lookout)
    try AlertingRecord.commit(settings, from: lookout + "/staging", directory: lookout)
  }

  @Test func whatIsKeptReadsBackTheSame() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let settings = try Self.settings()
    try Self.keep(settings, in: folder.path)
    #expect(readBytes(folder.sub(".lookout/deployments.csv")) == Self.csv)
    #expect(readBytes(folder.sub(".lookout/areas.geojson")) == Self.geoJSON)
    let record = try JSONParser.parse(readBytes(folder.sub(".lookout/alerting.json")))
    #expect(record["site_thresholds"]?["river-camp"]?["person"] == .number(0.35))
    #expect(record["deployments"]?["read_from"] == .string("/field/deployments.csv"))

    let loaded = try AlertingRecord.load(directory: folder.sub(".lookout"), scan: folder.path)
    #expect(loaded.siteThresholds == settings.siteThresholds)
    #expect(loaded.deployments == settings.deployments)
    #expect(loaded.areas == settings.areas)
    #expect(loaded.firstDifference(from: settings) == nil)
    #expect(loaded.locator.deployments?.deployments.map(\.deploymentID) == ["gate-cam1"])
    #expect(loaded.locator.areas != nil)

    // Settings without areas remove the earlier copy.
    try Self.keep(try Self.settings(areas: false), in: folder.path)
    #expect(!FileManager.default.fileExists(atPath: folder.sub(".lookout/areas.geojson")))
    let without = try AlertingRecord.load(directory: folder.sub(".lookout"), scan: folder.path)
    #expect(without.areas == nil && without.locator.areas == nil)
    #expect(without.firstDifference(from: settings) == "its protected areas differ")
  }

  @Test func aFolderWithoutARecordHasNoSettings() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let loaded = try AlertingRecord.load(directory: folder.sub(".lookout"), scan: folder.path)
    #expect(loaded.siteThresholds.isEmpty && loaded.deployments == nil && loaded.areas == nil)
  }

  @Test func aCopyThatIsNotTheRecordedFileIsRefused() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try Self.keep(try Self.settings(), in: folder.path)
    try writeFile(folder.sub(".lookout/deployments.csv"), Self.csv + Array("x,1,1,x\n".utf8))
    #expect(
      throws: MergeError.unfinished(
        path: folder.path,
        reason: ".lookout/deployments.csv is not the file .lookout/alerting.json names; "
          + "run the scan again with --resume")
    ) {
      _ = try AlertingRecord.load(directory: folder.sub(".lookout"), scan: folder.path)
    }
  }

  @Test func badSettingsAreNamedLikeWatchNamesThem() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    #expect(throws: ScanError.invalidThreshold("lion=0.5 (site x)")) {
      _ = try AlertingSettings(siteThresholds: ["x": ["lion": 0.5]])
    }
    let missing = folder.sub("missing.csv")
    // The reader's error keeps the failed step and its errno; the words are as before.
    let unreadable = DeploymentsError(file: FileIOError(path: missing, step: .open, code: ENOENT))
    #expect(throws: ScanError.deployments(unreadable)) {
      _ = try AlertingSettings.read(siteThresholds: [:], deploymentsPath: missing, areasPath: nil)
    }
    #expect(
      ScanError.deployments(unreadable).description
        == "deployments \(missing): no such file or directory (ENOENT)")
    try writeFile(
      folder.sub("d.csv"),
      Array("deployment_id,latitude,longitude,path_pattern\nx,north,1,a\n".utf8))
    do {
      _ = try AlertingSettings.read(
        siteThresholds: [:], deploymentsPath: folder.sub("d.csv"), areasPath: nil)
      Issue.record("a latitude of north was accepted")
    } catch {
      #expect(
        error.description
          == "deployments \(folder.sub("d.csv")): line 2: latitude \"north\" is not a number")
    }
    try writeFile(folder.sub("a.geojson"), Array(#"{"type": "Point", "coordinates": [1, 2]}"#.utf8))
    do {
      _ = try AlertingSettings.read(
        siteThresholds: [:], deploymentsPath: nil, areasPath: folder.sub("a.geojson"))
      Issue.record("a Point was accepted as an area")
    } catch {
      #expect(error.description.hasPrefix("protected areas \(folder.sub("a.geojson")): "))
    }
  }
}
