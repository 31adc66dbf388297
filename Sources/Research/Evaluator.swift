import Formats
import LookoutCore

/// Scores detection runs against ground truth.
///
/// **Image level**, per class: an image's score is the highest confidence of the class's
/// detections in it (0 without one); it is flagged when the score reaches the threshold and is
/// right when the truth has the class. **Alerts**: an image alerts when a person or a vehicle
/// reaches its threshold. **Box level**, per class, over images whose truth boxes are complete:
/// detections are taken in descending confidence (ties by path, then file order) and each is
/// matched greedily to the unmatched truth box of its class with the highest IoU, if that IoU is
/// at least ``iouThreshold``; matched detections are true positives, the rest false positives,
/// unmatched truth boxes misses. Average precision uses all-point interpolation.
///
/// When several runs are compared, only images every run processed are scored, so the numbers
/// are comparable. A video clip's truth is scored at clip level only (image level, not box by
/// box).
public struct Evaluator: Sendable {
  public var truth: GroundTruth
  public var iouThreshold: Double

  /// How an image's site (for its per-site thresholds) is found.
  public var sites: ImageSites

  public init(truth: GroundTruth, iouThreshold: Double = 0.5, sites: ImageSites = ImageSites()) {
    self.truth = truth
    self.iouThreshold = iouThreshold
    self.sites = sites
  }

  /// One image paired with a run's record.
  struct Pair {
    var truth: TruthImage
    var site: String?
    var detections: [ScoredBox]
  }

  /// Evaluates each run with its thresholds.
  public func evaluate(_ runs: [(run: DetectionRun, thresholds: ClassThresholds)])
    -> EvaluationReport
  {
    let truthImages = truth.sortedImages
    let matchers = runs.map { ImageMatcher(run: $0.run) }
    // Records per run, per truth image.
    let records: [[ImageRecord?]] = matchers.map { m in truthImages.map { m.record(for: $0.file) } }
    let common = truthImages.indices.filter { i in
      records.allSatisfy { $0[i] != nil && $0[i]!.detections != nil }
    }
    var out: [RunEvaluation] = []
    for (r, entry) in runs.enumerated() {
      let run = entry.run
      let pairs = common.map { i in
        Pair(
          truth: Self.scoredTruth(truthImages[i], for: records[r][i]!),
          site: sites.site(of: records[r][i]!),
          detections: run.detections(of: records[r][i]!))
      }
      let missing = records[r].filter { $0 == nil }.count
      let failed = records[r].filter { $0 != nil && $0!.detections == nil }.count
      let matched = Set(records[r].compactMap { $0.map { GroundTruth.normalizedPath($0.file) } })
      let unlabelled = run.imagesByPath.filter {
        $0.value.detections != nil && !matched.contains($0.key)
      }.count
      out.append(
        evaluate(
          pairs: pairs, name: run.name, path: run.path, thresholds: entry.thresholds,
          missing: missing, failed: failed, unlabelled: unlabelled))
    }
    return EvaluationReport(
      truthSources: truth.sources, truthImages: truthImages.count, iouThreshold: iouThreshold,
      runs: out)
  }

  /// The truth as it is scored against `record`: a video clip's at clip level only (its classes;
  /// its boxes are not scored, since a clip keeps one best frame per class).
  static func scoredTruth(_ truth: TruthImage, for record: ImageRecord) -> TruthImage {
    guard record.frameRate != nil else { return truth }
    var clip = truth
    clip.boxes = []
    clip.boxesComplete = false
    return clip
  }

  func evaluate(
    pairs: [Pair], name: String, path: String, thresholds: ClassThresholds, missing: Int,
    failed: Int, unlabelled: Int
  ) -> RunEvaluation {
    let n = pairs.count
    var classes: [ClassEvaluation] = []
    var misses: [ImageMistake] = []
    var falsePositives: [ImageMistake] = []
    let boxed = pairs.filter { $0.truth.boxesComplete }
    for c in DetectionClass.allCases {
      var items: [(score: Double, correct: Bool)] = []
      var histogram = ScoreHistogram()
      var tp = 0, fp = 0, fn = 0
      for pair in pairs {
        let score = pair.detections.filter { $0.detectionClass == c }.map(\.confidence).max() ?? 0
        let positive = pair.truth.classes.contains(c)
        items.append((score, positive))
        histogram.add(score: score, positive: positive)
        let t = thresholds.threshold(c, site: pair.site)
        let flagged = score > 0 && score >= t
        switch (flagged, positive) {
        case (true, true): tp += 1
        case (true, false):
          fp += 1
          falsePositives.append(
            ImageMistake(
              kind: .falsePositive, file: pair.truth.file, detectionClass: c, score: score,
              threshold: t))
        case (false, true):
          fn += 1
          misses.append(
            ImageMistake(
              kind: .miss, file: pair.truth.file, detectionClass: c, score: score, threshold: t))
        case (false, false): break
        }
      }
      let positives = tp + fn
      let imageLevel = LevelEvaluation(
        atThreshold: OperatingPoint(
          threshold: thresholds.threshold(c), truePositives: tp, falsePositives: fp,
          falseNegatives: fn, images: n),
        sweep: ScoreSweep(items: items, positives: positives, images: n))
      var boxLevel: LevelEvaluation?
      if truth.hasBoxes {
        boxLevel = boxEvaluation(c, boxed: boxed, thresholds: thresholds, images: boxed.count)
      }
      classes.append(
        ClassEvaluation(detectionClass: c, image: imageLevel, box: boxLevel, histogram: histogram))
    }
    // Alerts.
    var atp = 0, afp = 0, afn = 0
    for pair in pairs {
      let alerts = pair.detections.contains { d in
        (d.detectionClass == .person || d.detectionClass == .vehicle)
          && d.confidence >= thresholds.threshold(d.detectionClass, site: pair.site)
      }
      let should = pair.truth.classes.contains(.person) || pair.truth.classes.contains(.vehicle)
      switch (alerts, should) {
      case (true, true): atp += 1
      case (true, false): afp += 1
      case (false, true): afn += 1
      case (false, false): break
      }
    }
    misses.sort { a, b in
      a.detectionClass != b.detectionClass
        ? a.detectionClass < b.detectionClass : a.file.utf8.lexicographicallyPrecedes(b.file.utf8)
    }
    falsePositives.sort { a, b in
      if a.detectionClass != b.detectionClass { return a.detectionClass < b.detectionClass }
      if a.score != b.score { return a.score > b.score }
      return a.file.utf8.lexicographicallyPrecedes(b.file.utf8)
    }
    return RunEvaluation(
      name: name, path: path, imagesEvaluated: n, imagesMissing: missing, imagesFailed: failed,
      imagesUnlabelled: unlabelled, boxImagesEvaluated: boxed.count, thresholds: thresholds,
      alerts: OperatingPoint(
        threshold: thresholds.threshold(.person), truePositives: atp, falsePositives: afp,
        falseNegatives: afn, images: n),
      classes: classes, misses: misses, falsePositives: falsePositives)
  }

  /// Greedy matching by confidence (see the type's documentation).
  func boxEvaluation(
    _ c: DetectionClass, boxed: [Pair], thresholds: ClassThresholds, images: Int
  ) -> LevelEvaluation {
    struct Candidate {
      var confidence: Double
      var image: Int
      var index: Int
      var bbox: [Double]
      var site: String?
    }
    var candidates: [Candidate] = []
    var truthBoxes: [[[Double]]] = []
    for (i, pair) in boxed.enumerated() {
      truthBoxes.append(pair.truth.boxes.filter { $0.detectionClass == c }.map(\.bbox))
      for (k, d) in pair.detections.enumerated() where d.detectionClass == c {
        candidates.append(
          Candidate(confidence: d.confidence, image: i, index: k, bbox: d.bbox, site: pair.site))
      }
    }
    // `boxed` is in path order, so (image, index) breaks ties by path, then file order.
    candidates.sort { a, b in
      if a.confidence != b.confidence { return a.confidence > b.confidence }
      if a.image != b.image { return a.image < b.image }
      return a.index < b.index
    }
    var used = truthBoxes.map { [Bool](repeating: false, count: $0.count) }
    var items: [(score: Double, correct: Bool)] = []
    var tp = 0, fp = 0
    for d in candidates {
      var best = -1
      var bestIoU = 0.0
      for (j, t) in truthBoxes[d.image].enumerated() where !used[d.image][j] {
        let iou = BoxGeometry.iou(d.bbox, t)
        if iou > bestIoU {
          bestIoU = iou
          best = j
        }
      }
      let correct = best >= 0 && bestIoU >= iouThreshold
      if correct { used[d.image][best] = true }
      items.append((d.confidence, correct))
      if d.confidence > 0 && d.confidence >= thresholds.threshold(c, site: d.site) {
        if correct { tp += 1 } else { fp += 1 }
      }
    }
    let positives = truthBoxes.reduce(0) { $0 + $1.count }
    return LevelEvaluation(
      atThreshold: OperatingPoint(
        threshold: thresholds.threshold(c), truePositives: tp, falsePositives: fp,
        falseNegatives: positives - tp, images: images),
      sweep: ScoreSweep(items: items, positives: positives, images: images))
  }
}
