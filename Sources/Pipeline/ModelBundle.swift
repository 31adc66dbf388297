import Detector
import Foundation
import LookoutCore

/// The loaded detector plus what the pipeline needs to know about it: its shipped default
/// thresholds and a digest of its weights and coarse pass (so a checkpoint is never resumed with
/// other weights, nor with a graph that runs them otherwise).
public struct ModelBundle: Sendable {
  public var detector: DetectorModel
  public var defaultThresholds: AlertThresholds
  public var weightsDigest: String

  /// Thresholds used when a model file names none.
  public static let fallbackThresholds = AlertThresholds(animal: 0.3, person: 0.3, vehicle: 0.3)

  /// Loads `<directory>/<name>.json` and `.safetensors`, with the thresholds the graph names.
  /// Each file is read once: the digest is of the very bytes the detector was built from.
  public static func load(directory: String, name: String) throws(ModelLoadError) -> ModelBundle {
    let base = URL(fileURLWithPath: directory)
    let graphURL = base.appendingPathComponent(name + ".json")
    let weightsURL = base.appendingPathComponent(name + ".safetensors")
    let graph = try readModelFile(graphURL)
    let weights = try readModelFile(weightsURL)
    let detector = try DetectorModel(
      graphData: graph, graphFile: graphURL.path, weightsData: weights, weightsFile: weightsURL.path
    )
    var thresholds = fallbackThresholds
    let named = detector.graph.thresholds ?? [:]
    for c in DetectionClass.allCases {
      if let value = named[c.name] { thresholds.set(c, to: Float(value)) }
    }
    var digest = String(ShardSelection.fnv1a64(weights), radix: 16)
    if let coarse = detector.graph.coarsePass {
      // The same weights with another second pass find other boxes: no resume across them.
      digest += "+coarse\(coarse.longSide):\(coarse.minExtent)"
    }
    return ModelBundle(detector: detector, defaultThresholds: thresholds, weightsDigest: digest)
  }
}
