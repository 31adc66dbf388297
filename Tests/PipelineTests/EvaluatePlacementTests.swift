import Foundation
import Formats
import LookoutCore
import Research
import Testing

@testable import Pipeline

/// `lookout evaluate --deployments` finds an image's site, and so its per-site thresholds, as
/// `scan --deployments` does: the same card with the same deployments file and config gives the
/// same thresholds for each image in both.
@Suite(.serialized) struct EvaluatePlacementTests {
  /// Gate's own thresholds: exact in `Float`, so scan's (resolved as `Float`) and evaluate's
  /// (`Double`) are equal.
  static let sites: [String: [String: Double]] = ["Gate": ["person": 0.0625, "vehicle": 0.125]]

  @Test func evaluateFindsTheSameSiteThresholdsAsScan() throws {
    let folder = try TemporaryFolder("evaluate-placement")
    defer { folder.remove() }
    let card = try ScanPlacementTests.prepare(folder)
    let output = folder.sub("out")
    try scanInProcess(
      card: card, output: output, configure: ScanPlacementTests.placed(folder, sites: Self.sites))
    let alerts = try ScanPlacementTests.alerts(output)
    let gate = try #require(alerts[ScanPlacementTests.gateImage])
    #expect(gate["thresholds"]?["person"] == .number(0.0625))

    // The same thresholds for evaluate: the config's per-site ones, the scan's overrides.
    let config = folder.sub("lookout.json")
    try writeFile(
      config,
      Array(#"{"thresholds": {"sites": {"Gate": {"person": 0.0625, "vehicle": 0.125}}}}"#.utf8))
    var truth = "file,label\n"
    for file in alerts.keys.sorted() { truth += "\(file),person\n" }
    try writeFile(folder.sub("truth.csv"), Array(truth.utf8))
    let job = EvaluateJob(
      detections: [output], truth: [folder.sub("truth.csv")],
      outputFolder: folder.sub("eval"), thresholdOverrides: ["person": 0, "vehicle": 0],
      configPath: config, deploymentsPath: folder.sub("deployments.csv"))
    let report = try job.evaluate()
    let run = try DetectionRun.read(path: output + "/detections.json")
    let thresholds = report.runs[0].thresholds
    let sites = try job.imageSites()
    var withoutDeployments = job
    withoutDeployments.deploymentsPath = nil
    let folderSites = try withoutDeployments.imageSites()

    #expect(alerts.count >= 2)
    for (file, alert) in alerts {
      let image = try #require(run.results.images.first { $0.file == file })
      let site = sites.site(of: image)
      #expect(site == alert["site"]?.stringValue, "\(file)")
      for c in [DetectionClass.person, .vehicle] {
        #expect(
          alert["thresholds"]?[c.name] == .number(thresholds.threshold(c, site: site)),
          "\(file): \(c.name)")
      }
    }
    // Without the deployments file the gate image's site is its folder, which has no thresholds
    // of its own: evaluate would apply 0 where scan applied Gate's 0.0625.
    let gateRecord = try #require(
      run.results.images.first { $0.file == ScanPlacementTests.gateImage })
    #expect(folderSites.site(of: gateRecord) == "gate")
    #expect(thresholds.threshold(.person, site: folderSites.site(of: gateRecord)) == 0)
  }
}
