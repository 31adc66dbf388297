import Detector
import LookoutCore
import Pipeline

/// Turns one image file into an outcome. Never throws: problems are failures in the outcome.
/// One per worker thread (the real one owns an inference session); need not be thread-safe.
public protocol ImageOutcomeProducing: AnyObject {
  func outcome(for file: CardFile) -> ImageOutcome
}

extension ImageScanner: ImageOutcomeProducing {
  public func outcome(for file: CardFile) -> ImageOutcome { scan(file) }
}

/// What processes images: the loaded detector in production, a stand-in in some tests.
public protocol OutcomeEngine: Sendable {
  var modelName: String { get }
  var modelVersion: String { get }
  /// The model's shipped thresholds (config and flags override them).
  var defaultThresholds: AlertThresholds { get }
  /// A new producer for one worker.
  func makeProducer() -> any ImageOutcomeProducing
}

/// The real detector: `ModelBundle` plus the scan settings, one `ImageScanner` per worker.
public struct DetectorEngine: OutcomeEngine {
  public let bundle: ModelBundle
  public let settings: ImageScanSettings

  public init(bundle: ModelBundle, settings: ImageScanSettings) {
    self.bundle = bundle
    self.settings = settings
  }

  /// Loads `<directory>/<name>.json` and `.safetensors`.
  public static func load(
    directory: String, name: String = "lookout-det", settings: ImageScanSettings
  ) throws(WatchError) -> DetectorEngine {
    do {
      return DetectorEngine(
        bundle: try ModelBundle.load(directory: directory, name: name), settings: settings)
    } catch {
      throw .model(error)
    }
  }

  public var modelName: String { bundle.detector.name }
  public var modelVersion: String { bundle.detector.version }
  public var defaultThresholds: AlertThresholds { bundle.defaultThresholds }

  public func makeProducer() -> any ImageOutcomeProducing {
    ImageScanner(model: bundle.detector, settings: settings)
  }
}
