import Detector
import Foundation
import LookoutCore

/// The loaded detector plus what the pipeline needs to know about it: its shipped default
/// thresholds and a digest of its weights (so a checkpoint is never resumed with other weights).
public struct ModelBundle: Sendable {
  public var detector: DetectorModel
  public var defaultThresholds: AlertThresholds
  public var weightsDigest: String

  /// Thresholds used when a model file names none.
  public static let fallbackThresholds = AlertThresholds(animal: 0.3, person: 0.3, vehicle: 0.3)

  /// Loads `<directory>/<name>.json` and `.safetensors`, with the thresholds the graph names.
  public static func load(directory: String, name: String) throws(ModelLoadError) -> ModelBundle {
    let base = URL(fileURLWithPath: directory)
    let graphURL = base.appendingPathComponent(name + ".json")
    let weightsURL = base.appendingPathComponent(name + ".safetensors")
    let detector = try DetectorModel(graphURL: graphURL, weightsURL: weightsURL)
    var thresholds = fallbackThresholds
    if let data = try? Data(contentsOf: graphURL),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let values = object["thresholds"] as? [String: Any]
    {
      func value(_ key: String, _ fallback: Float) -> Float {
        (values[key] as? NSNumber).map { $0.floatValue } ?? fallback
      }
      for c in DetectionClass.allCases {
        thresholds.set(c, to: value(c.name, thresholds.threshold(for: c)))
      }
    }
    let digest = (try? Data(contentsOf: weightsURL)).map {
      String(ShardSelection.fnv1a64($0), radix: 16)
    } ?? "unknown"
    return ModelBundle(detector: detector, defaultThresholds: thresholds, weightsDigest: digest)
  }
}
