import Formats
import LookoutCore

/// `metrics.json`: an ``EvaluationReport`` as JSON.
///
/// ```text
/// {
///   "format": "lookout-metrics", "version": 1,
///   "truth": {"sources": [...], "images": N},
///   "iou_threshold": 0.5,
///   "runs": [{
///     "name", "detections", "images_evaluated", "images_missing", "images_failed",
///     "images_unlabelled", "box_images_evaluated",
///     "thresholds": {"animal": t, "person": t, "vehicle": t[, "sites": {...}]},
///     "alerts": POINT,
///     "classes": {"animal" | "person" | "vehicle": {
///       "image": {"positives", "at_threshold": POINT, "average_precision", "curve": [POINT…]},
///       "box": {same} or null,
///       "histogram": {"bin_width": 0.05, "positives": [20 counts], "negatives": [...],
///                     "positives_without_detection", "negatives_without_detection"}}},
///     "misses": [{"file", "class", "score", "threshold"}…],
///     "false_positives": [{"file", "class", "score", "threshold"}…]
///   }…]
/// }
/// ```
///
/// A POINT is `{"threshold", "tp", "fp", "fn", "precision", "recall", "f1",
/// "per_1000_images"}`: `per_1000_images` counts flagged images per 1,000 images for image
/// levels and alerts (alerts per 1,000 images), flagged boxes per 1,000 images for box levels.
/// Precision is null when nothing is flagged, recall when there is nothing to find. Ratios are
/// rounded to 6 decimals. Curves have one point per distinct score, highest threshold first.
public enum MetricsDocument {
  public static func value(_ report: EvaluationReport) -> JSONValue {
    .object([
      ("format", .string("lookout-metrics")),
      ("version", .integer(1)),
      (
        "truth",
        .object([
          ("sources", .array(report.truthSources.map { .string($0) })),
          ("images", .integer(report.truthImages)),
        ])
      ),
      ("iou_threshold", .number(report.iouThreshold)),
      ("runs", .array(report.runs.map(runValue))),
    ])
  }

  /// The file's text (two-space indentation, final newline).
  public static func text(_ report: EvaluationReport) -> String {
    JSONWriter.pretty.string(value(report)) + "\n"
  }

  static func ratio(_ x: Double?) -> JSONValue {
    x.map { .number(PythonFloat.round($0, digits: 6)) } ?? .null
  }

  static func pointValue(_ p: OperatingPoint) -> JSONValue {
    .object([
      ("threshold", .number(p.threshold)),
      ("tp", .integer(p.truePositives)),
      ("fp", .integer(p.falsePositives)),
      ("fn", .integer(p.falseNegatives)),
      ("precision", ratio(p.precision)),
      ("recall", ratio(p.recall)),
      ("f1", ratio(p.f1)),
      ("per_1000_images", ratio(p.perThousandImages)),
    ])
  }

  static func levelValue(_ level: LevelEvaluation) -> JSONValue {
    .object([
      ("positives", .integer(level.positives)),
      ("at_threshold", pointValue(level.atThreshold)),
      ("average_precision", ratio(level.averagePrecision)),
      ("curve", .array(level.sweep.curve.map(pointValue))),
    ])
  }

  static func thresholdsValue(_ t: ClassThresholds) -> JSONValue {
    var members: [(String, JSONValue)] = DetectionClass.allCases.map {
      ($0.name, .number(t.threshold($0)))
    }
    if !t.sites.isEmpty {
      let sites = t.sites.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      members.append(
        (
          "sites",
          .object(
            sites.map { site in
              let classes = t.sites[site]!.sorted { $0.key < $1.key }
              return (site, .object(classes.map { ($0.key, .number($0.value)) }))
            })
        ))
    }
    return .object(members)
  }

  static func mistakeValue(_ m: ImageMistake) -> JSONValue {
    .object([
      ("file", .string(m.file)),
      ("class", .string(m.detectionClass.name)),
      ("score", .number(m.score)),
      ("threshold", .number(m.threshold)),
    ])
  }

  static func runValue(_ run: RunEvaluation) -> JSONValue {
    .object([
      ("name", .string(run.name)),
      ("detections", .string(run.path)),
      ("images_evaluated", .integer(run.imagesEvaluated)),
      ("images_missing", .integer(run.imagesMissing)),
      ("images_failed", .integer(run.imagesFailed)),
      ("images_unlabelled", .integer(run.imagesUnlabelled)),
      ("box_images_evaluated", .integer(run.boxImagesEvaluated)),
      ("thresholds", thresholdsValue(run.thresholds)),
      ("alerts", pointValue(run.alerts)),
      (
        "classes",
        .object(
          run.classes.map { c in
            (
              c.detectionClass.name,
              .object([
                ("image", levelValue(c.image)),
                ("box", c.box.map(levelValue) ?? .null),
                (
                  "histogram",
                  .object([
                    ("bin_width", .number(1.0 / Double(ScoreHistogram.binCount))),
                    ("positives", .array(c.histogram.positives.map { .integer($0) })),
                    ("negatives", .array(c.histogram.negatives.map { .integer($0) })),
                    (
                      "positives_without_detection", .integer(c.histogram.positivesWithoutDetection)
                    ),
                    (
                      "negatives_without_detection", .integer(c.histogram.negativesWithoutDetection)
                    ),
                  ])
                ),
              ])
            )
          })
      ),
      ("misses", .array(run.misses.map(mistakeValue))),
      ("false_positives", .array(run.falsePositives.map(mistakeValue))),
    ])
  }
}
