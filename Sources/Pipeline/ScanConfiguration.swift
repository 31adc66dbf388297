import Formats
import LookoutCore

/// Everything `lookout scan` needs, as plain values (the command line builds one).
public struct ScanConfiguration: Sendable {
  /// The card or folder to scan.
  public var input: String
  /// Where outputs and the checkpoint go (created if missing).
  public var output: String
  /// The folder holding `<modelName>.json` and `<modelName>.safetensors`.
  public var modelDirectory: String
  public var modelName: String
  /// Images processed at once (one decoder and inference session each).
  public var jobs: Int
  /// Continue an interrupted scan of the same output folder.
  public var resume: Bool
  /// Discard an earlier scan's checkpoint in the output folder.
  public var overwrite: Bool
  /// No progress display.
  public var quiet: Bool
  public var image: ImageScanSettings
  /// Alert thresholds; nil means the model's shipped defaults.
  public var thresholds: AlertThresholds?
  /// The config file's thresholds (`--config`): per class, over ``thresholds``; and per site,
  /// over the class thresholds for that site's images.
  public var configThresholds: ClassThresholds
  /// Per-class overrides (`person=0.4`, `--threshold`) applied over the config file's classes.
  public var thresholdOverrides: [String]
  /// Only the files of this shard.
  public var shard: ShardSelection?
  /// Deployments CSV (``Formats/DeploymentsFile/readForPlacement(path:)``): each image's site,
  /// camera and, without EXIF GPS, position.
  public var deploymentsPath: String?
  /// GeoJSON of protected areas: each alert names the area its position is in.
  public var areasPath: String?
  /// The site and camera of every image (`--site`, `--camera`: one card of one camera), unless
  /// its deployment names them; over EXIF and the folder layout.
  public var site: String?
  public var camera: String?
  /// The gap in seconds above which a camera's next image starts a new event (`--event-gap`).
  public var eventGapSeconds = OutputContext.defaultEventGapSeconds
  /// One alert per image instead of one per event (`--per-image-alerts`).
  public var perImageAlerts = false
  /// When a detection is static scenery (`--keep-static`, `--static-min-images`, ...).
  public var staticRule = StaticRule.standard

  public init(
    input: String, output: String, modelDirectory: String, modelName: String = "lookout-det",
    jobs: Int = 2, resume: Bool = false, overwrite: Bool = false, quiet: Bool = false,
    image: ImageScanSettings = ImageScanSettings(), thresholds: AlertThresholds? = nil,
    configThresholds: ClassThresholds = ClassThresholds(), thresholdOverrides: [String] = [],
    shard: ShardSelection? = nil, deploymentsPath: String? = nil, areasPath: String? = nil,
    site: String? = nil, camera: String? = nil
  ) {
    self.input = input
    self.output = output
    self.modelDirectory = modelDirectory
    self.modelName = modelName
    self.jobs = jobs
    self.resume = resume
    self.overwrite = overwrite
    self.quiet = quiet
    self.image = image
    self.thresholds = thresholds
    self.configThresholds = configThresholds
    self.thresholdOverrides = thresholdOverrides
    self.shard = shard
    self.deploymentsPath = deploymentsPath
    self.areasPath = areasPath
    self.site = site
    self.camera = camera
  }
}
