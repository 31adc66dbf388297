import Detector
import Foundation
import Formats
import LookoutCore
import Testing

@testable import Pipeline

/// End-to-end scans of the demo card with the shipped model. No test asserts what the model
/// finds (the weights are retrained from time to time); they assert what the pipeline guarantees.
@Suite(.serialized) struct ScanRunnerTests {
  @Test func scanWritesEveryOutputAndReportsTheCorruptFile() throws {
    let card = try ScanFixtures.sampleCard()
    let out = card.deletingLastPathComponent().appendingPathComponent("out")
    let report = try ScanRunner(configuration: ScanFixtures.configuration(card: card, output: out))
      .run()
    #expect(report.images == 12)
    #expect(report.failures == 1)
    let results = try MegaDetectorOutput.decode(
      Array(try Data(contentsOf: out.appendingPathComponent("detections.json"))))
    #expect(results.images.count == 12)
    #expect(results.images.map(\.file) == results.images.map(\.file).sorted {
      $0.utf8.lexicographicallyPrecedes($1.utf8)
    })
    let corrupt = try #require(results.images.first { $0.file.hasSuffix("DCIM_corrupt_0007.JPG") })
    #expect(corrupt.detections == nil)
    #expect(corrupt.failure?.hasPrefix("truncated: ") == true)
    // Sizes are upright: the Orientation 6 photo is stored 960 wide and 1280 high.
    let rotated = try #require(results.images.first { $0.file.hasSuffix("RCNX0003.jpeg") })
    #expect(rotated.width == 1280 && rotated.height == 960)
    let big = try #require(results.images.first { $0.file.hasSuffix("RCNX0001.JPG") })
    #expect(big.width == 4000 && big.height == 3000)
    let summary = try JSONParser.parse(
      Array(try Data(contentsOf: out.appendingPathComponent("summary.json"))))
    #expect(summary["images"] == .integer(12))
    #expect(summary["failures"]?["by_reason"]?["truncated"] == .integer(1))
    for name in ["alerts.jsonl", "alerts.csv"] {
      #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path))
    }
  }

  @Test func resumeAfterAKillEqualsAnUninterruptedRun() throws {
    let card = try ScanFixtures.sampleCard()
    let base = card.deletingLastPathComponent()
    let whole = base.appendingPathComponent("whole")
    _ = try ScanRunner(configuration: ScanFixtures.configuration(card: card, output: whole)).run()

    // The state a kill -9 leaves: a settings file, some finished lines, a torn last line and
    // no outputs.
    let killed = base.appendingPathComponent("killed")
    try FileManager.default.createDirectory(
      at: killed.appendingPathComponent(".lookout"), withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: whole.appendingPathComponent(".lookout/run.json"),
      to: killed.appendingPathComponent(".lookout/run.json"))
    let lines = try String(
      contentsOf: whole.appendingPathComponent(".lookout/checkpoint.jsonl"), encoding: .utf8
    ).split(separator: "\n")
    let partial = lines.prefix(5).joined(separator: "\n") + "\n" + lines[5].prefix(40)
    try Data(partial.utf8).write(to: killed.appendingPathComponent(".lookout/checkpoint.jsonl"))

    var config = ScanFixtures.configuration(card: card, output: killed)
    config.resume = true
    let report = try ScanRunner(configuration: config).run()
    #expect(report.reused == 5)
    #expect(report.scannedNow == 7)
    #expect(try ScanFixtures.outputsEqual(whole, killed))
    // Resuming a finished scan redoes nothing and changes nothing.
    let again = try ScanRunner(configuration: config).run()
    #expect(again.scannedNow == 0)
    #expect(try ScanFixtures.outputsEqual(whole, killed))
  }

  @Test func anExistingScanIsNeverOverwrittenSilently() throws {
    let card = try ScanFixtures.sampleCard()
    let out = card.deletingLastPathComponent().appendingPathComponent("out")
    let config = ScanFixtures.configuration(card: card, output: out)
    _ = try ScanRunner(configuration: config).run()
    #expect(throws: ScanError.unfinishedScanPresent(path: out.path)) {
      _ = try ScanRunner(configuration: config).run()
    }
    var other = config
    other.resume = true
    other.image.detection.inputLongSide = 320
    #expect(throws: ScanError.checkpointMismatch(path: out.path + "/.lookout", reason: "its input size was 640")) {
      _ = try ScanRunner(configuration: other).run()
    }
    var overwrite = other
    overwrite.resume = false
    overwrite.overwrite = true
    #expect(try ScanRunner(configuration: overwrite).run().scannedNow == 12)
  }

  @Test func aMissingModelStopsTheScanWithTheLoadersError() throws {
    let card = try ScanFixtures.sampleCard()
    let base = card.deletingLastPathComponent()
    var config = ScanFixtures.configuration(card: card, output: base.appendingPathComponent("out"))
    config.modelDirectory = base.path
    let expected = ScanError.model(.fileNotFound(file: base.path + "/lookout-det.json"))
    #expect(throws: expected) {
      _ = try ScanRunner(configuration: config).run()
    }
    #expect(expected.description.hasPrefix("cannot load the detector model: "))
    #expect(expected.description.contains(base.path + "/lookout-det.json"))
  }

  @Test func changedFilesAreRescannedOnResume() throws {
    let card = try ScanFixtures.sampleCard()
    let out = card.deletingLastPathComponent().appendingPathComponent("out")
    var config = ScanFixtures.configuration(card: card, output: out)
    _ = try ScanRunner(configuration: config).run()
    let drone = card.appendingPathComponent("ridge-north/drone01")
    try FileManager.default.copyItem(
      at: drone.appendingPathComponent("DJI_20240914061203_0001_T.JPG"),
      to: drone.appendingPathComponent("DJI_new.JPG"))
    try FileManager.default.removeItem(at: drone.appendingPathComponent("DJI_20240914062031_0004_T.JPG"))
    config.resume = true
    let report = try ScanRunner(configuration: config).run()
    #expect(report.images == 12)
    #expect(report.scannedNow == 1)
    let files = try MegaDetectorOutput.decode(
      Array(try Data(contentsOf: out.appendingPathComponent("detections.json")))
    ).images.map(\.file)
    #expect(files.contains("ridge-north/drone01/DJI_new.JPG"))
    #expect(!files.contains("ridge-north/drone01/DJI_20240914062031_0004_T.JPG"))
  }

  @Test func fourShardsMergedEqualOneUnshardedRun() throws {
    let card = try ScanFixtures.sampleCard()
    let base = card.deletingLastPathComponent()
    let whole = base.appendingPathComponent("whole")
    _ = try ScanRunner(configuration: ScanFixtures.configuration(card: card, output: whole)).run()
    var shardFolders: [String] = []
    var total = 0
    for index in 0..<4 {
      let out = base.appendingPathComponent("shard-\(index)")
      var config = ScanFixtures.configuration(card: card, output: out)
      config.shard = ShardSelection(index: index, count: 4)
      total += try ScanRunner(configuration: config).run().images
      shardFolders.append(out.path)
    }
    #expect(total == 12)
    let merged = base.appendingPathComponent("merged")
    let result = try ShardMerger.merge(shardDirectories: shardFolders, output: merged.path)
    #expect(result.images == 12)
    #expect(try ScanFixtures.outputsEqual(whole, merged))

    #expect(throws: MergeError.missingShards(["1/4"])) {
      try ShardMerger.merge(
        shardDirectories: [shardFolders[0], shardFolders[2], shardFolders[3]],
        output: base.appendingPathComponent("m2").path)
    }
    #expect(throws: MergeError.duplicateShard(shard: "2/4", paths: [shardFolders[2], shardFolders[2]])) {
      try ShardMerger.merge(
        shardDirectories: shardFolders + [shardFolders[2]],
        output: base.appendingPathComponent("m3").path)
    }
    #expect(throws: MergeError.notAShard(path: whole.path)) {
      try ShardMerger.merge(
        shardDirectories: [whole.path], output: base.appendingPathComponent("m4").path)
    }
    // A shard re-run with other thresholds is refused.
    _ = try FinishedScan.load(directory: shardFolders[1]).rethreshold(
      AlertThresholds(animal: 0.3, person: 0.01, vehicle: 0.01))
    #expect(throws: MergeError.mismatch(path: shardFolders[1], reason: "its alert thresholds differ")) {
      try ShardMerger.merge(
        shardDirectories: shardFolders, output: base.appendingPathComponent("m5").path)
    }
  }

  @Test func rethresholdEqualsAScanWithThoseThresholds() throws {
    let card = try ScanFixtures.sampleCard()
    let base = card.deletingLastPathComponent()
    let low = AlertThresholds(animal: 0.05, person: 0.05, vehicle: 0.05)
    let direct = base.appendingPathComponent("direct")
    var config = ScanFixtures.configuration(card: card, output: direct)
    config.thresholds = low
    _ = try ScanRunner(configuration: config).run()

    let redone = base.appendingPathComponent("redone")
    _ = try ScanRunner(configuration: ScanFixtures.configuration(card: card, output: redone)).run()
    _ = try FinishedScan.load(directory: redone.path).rethreshold(low)
    #expect(try ScanFixtures.outputsEqual(direct, redone))
  }
}
