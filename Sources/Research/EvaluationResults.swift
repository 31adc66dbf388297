import Formats
import LookoutCore

/// One level (image or box) of one class's evaluation.
public struct LevelEvaluation: Sendable, Equatable {
  /// The counts at the thresholds in force (for image level with per-site thresholds, each
  /// image at its site's).
  public var atThreshold: OperatingPoint
  /// Every threshold, swept.
  public var sweep: ScoreSweep

  public init(atThreshold: OperatingPoint, sweep: ScoreSweep) {
    self.atThreshold = atThreshold
    self.sweep = sweep
  }

  /// Truth images (image level) or truth boxes (box level) of the class.
  public var positives: Int { sweep.positives }
  public var averagePrecision: Double? { sweep.averagePrecision }
}

/// How an image's score for one class spreads, for images that have the class and those that
/// don't: 20 bins of width 0.05 over 0…1 (a score of 1 falls in the last), plus images with no
/// detection of the class at all.
public struct ScoreHistogram: Sendable, Equatable {
  public static let binCount = 20
  public var positives = [Int](repeating: 0, count: binCount)
  public var negatives = [Int](repeating: 0, count: binCount)
  public var positivesWithoutDetection = 0
  public var negativesWithoutDetection = 0

  public init() {}

  public mutating func add(score: Double, positive: Bool) {
    guard score > 0 else {
      if positive { positivesWithoutDetection += 1 } else { negativesWithoutDetection += 1 }
      return
    }
    let bin = min(ScoreHistogram.binCount - 1, Int(score * Double(ScoreHistogram.binCount)))
    if positive { positives[bin] += 1 } else { negatives[bin] += 1 }
  }
}

/// One class's evaluation for one run.
public struct ClassEvaluation: Sendable, Equatable {
  public var detectionClass: DetectionClass
  /// Image level: an image's score is its highest confidence for the class.
  public var image: LevelEvaluation
  /// Box level (IoU matching), over the images whose truth boxes are complete; nil when the
  /// truth has no boxes.
  public var box: LevelEvaluation?
  public var histogram: ScoreHistogram
}

/// An image the detector got wrong at the thresholds in force.
public struct ImageMistake: Sendable, Equatable {
  public enum Kind: String, Sendable {
    /// The class is in the image, but its score is below the threshold.
    case miss
    /// The class reached its threshold but is not in the image (for person and vehicle, a
    /// false alert).
    case falsePositive = "false_positive"
  }
  public var kind: Kind
  /// The path as in the truth file.
  public var file: String
  public var detectionClass: DetectionClass
  /// The image's score for the class (0 when nothing was detected).
  public var score: Double
  public var threshold: Double
}

/// One run's evaluation against the truth.
public struct RunEvaluation: Sendable, Equatable {
  public var name: String
  public var path: String
  /// Images scored (in the truth and processed by the run, and by every compared run).
  public var imagesEvaluated: Int
  /// Truth images the run has no record of.
  public var imagesMissing: Int
  /// Truth images the run failed to process.
  public var imagesFailed: Int
  /// Images the run processed that the truth does not label.
  public var imagesUnlabelled: Int
  /// Images scored box by box (truth boxes complete).
  public var boxImagesEvaluated: Int
  public var thresholds: ClassThresholds
  /// Image-level alerts: an image alerts when a person or vehicle reaches its threshold; it
  /// should when the truth has a person or vehicle.
  public var alerts: OperatingPoint
  public var classes: [ClassEvaluation]
  /// Misses, by class then path.
  public var misses: [ImageMistake]
  /// False positives, by class then score (highest first) then path.
  public var falsePositives: [ImageMistake]

  /// The class's evaluation.
  public func evaluation(of c: DetectionClass) -> ClassEvaluation? {
    classes.first { $0.detectionClass == c }
  }
}

/// Every run evaluated against the same truth.
public struct EvaluationReport: Sendable, Equatable {
  public var truthSources: [String]
  public var truthImages: Int
  /// Minimum IoU for a detection to match a truth box.
  public var iouThreshold: Double
  public var runs: [RunEvaluation]
}
