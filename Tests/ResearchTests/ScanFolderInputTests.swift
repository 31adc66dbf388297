import Foundation
import Formats
import Testing

@testable import Research

/// `evaluate` and `tune` take a scan's output folder, as `report` and `export` do: the
/// `detections.json` inside it is read.
@Suite struct ScanFolderInputTests {
  /// A scratch folder holding the eval fixture's detections as `<scan>/detections.json`.
  func scanFolder(_ label: String) throws -> (root: String, scan: String) {
    let root = try Fixture.scratchFolder(label)
    let scan = root + "/triage"
    try FileManager.default.createDirectory(atPath: scan, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      atPath: Fixture.path("eval/detections.json"), toPath: scan + "/detections.json")
    return (root, scan)
  }

  @Test func tuneReadsTheScanFoldersDetections() throws {
    let (root, scan) = try scanFolder("tune-folder")
    defer { try? FileManager.default.removeItem(atPath: root) }
    func job(_ detections: String) -> TuneJob {
      TuneJob(
        detections: detections, truth: [Fixture.path("eval/truth.csv")], goal: .recall(0.9),
        classes: [.person, .vehicle])
    }
    let fromFolder = try job(scan).run()
    let fromFile = try job(scan + "/detections.json").run()
    #expect(fromFolder.settings == fromFile.settings)
    #expect(fromFolder.settings.classes == ["person": 0.35, "vehicle": 0.5])
  }

  @Test func evaluateReadsTheScanFoldersDetections() throws {
    let (root, scan) = try scanFolder("evaluate-folder")
    defer { try? FileManager.default.removeItem(atPath: root) }
    let job = EvaluateJob(
      detections: [scan], names: ["lookout"], truth: [Fixture.path("eval/truth.csv")],
      outputFolder: root + "/eval")
    try job.run()
    let metrics = try JSONParser.parse(
      Array(try Data(contentsOf: URL(fileURLWithPath: job.metricsPath))))
    let runs = try #require(metrics["runs"]?.arrayValue)
    #expect(runs.map { $0["name"]?.stringValue } == ["lookout"])
    #expect(runs[0]["classes"]?["person"]?["image"]?["at_threshold"]?["tp"]?.intValue != nil)
  }
}
