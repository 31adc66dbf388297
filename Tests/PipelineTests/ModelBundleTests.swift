import Foundation
import LookoutCore
import Testing

@testable import Pipeline

/// `ModelBundle.load` reads each model file once: the thresholds are the graph's own, and the
/// digest that guards a resume is of the weights' bytes.
@Suite struct ModelBundleTests {
  @Test func theShippedGraphsThresholdsAndTheWeightsDigest() throws {
    let models = URL(fileURLWithPath: ScanFixtures.models)
    let bundle = try ModelBundle.load(directory: models.path, name: "lookout-det")
    let graph =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: models.appendingPathComponent("lookout-det.json"))) as? [String: Any]
    let named = try #require(graph?["thresholds"] as? [String: Double])
    for c in DetectionClass.allCases {
      #expect(bundle.defaultThresholds.threshold(for: c) == Float(try #require(named[c.name])))
    }
    let weights = try Data(contentsOf: models.appendingPathComponent("lookout-det.safetensors"))
    #expect(bundle.weightsDigest == String(ShardSelection.fnv1a64(weights), radix: 16))
  }

  /// The shipped weights under `name` in a new folder, beside the shipped graph as `edit` leaves it.
  static func shippedModel(named name: String, edit: (inout [String: Any]) -> Void) throws -> URL {
    let models = URL(fileURLWithPath: ScanFixtures.models)
    let folder = try ScanFixtures.temporaryFolder()
    var graph = try #require(
      JSONSerialization.jsonObject(
        with: Data(contentsOf: models.appendingPathComponent("lookout-det.json"))) as? [String: Any]
    )
    edit(&graph)
    try JSONSerialization.data(withJSONObject: graph).write(
      to: folder.appendingPathComponent(name + ".json"))
    try FileManager.default.copyItem(
      at: models.appendingPathComponent("lookout-det.safetensors"),
      to: folder.appendingPathComponent(name + ".safetensors"))
    return folder
  }

  @Test func aGraphWithoutThresholdsGetsTheFallback() throws {
    let folder = try Self.shippedModel(named: "bare") { $0["thresholds"] = nil }
    let bundle = try ModelBundle.load(directory: folder.path, name: "bare")
    #expect(bundle.defaultThresholds == ModelBundle.fallbackThresholds)
  }

  @Test func aCoarsePassChangesTheDigestThatGuardsAResume() throws {
    let folder = try Self.shippedModel(named: "coarse") {
      $0["coarse_pass"] = ["long_side": 320, "min_extent": 0.25]
    }
    let plain = try ModelBundle.load(directory: ScanFixtures.models, name: "lookout-det")
    let coarse = try ModelBundle.load(directory: folder.path, name: "coarse")
    #expect(coarse.weightsDigest == plain.weightsDigest + "+coarse320:0.25")
  }
}
