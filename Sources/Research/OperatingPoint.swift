/// Counts and rates at one threshold: what a detector flags at or above it.
public struct OperatingPoint: Sendable, Equatable {
  /// Scores at or above this are flagged.
  public var threshold: Double
  public var truePositives: Int
  public var falsePositives: Int
  public var falseNegatives: Int
  /// Images evaluated (the denominator of ``alertsPer1000``).
  public var images: Int

  public init(
    threshold: Double, truePositives: Int, falsePositives: Int, falseNegatives: Int, images: Int
  ) {
    self.threshold = threshold
    self.truePositives = truePositives
    self.falsePositives = falsePositives
    self.falseNegatives = falseNegatives
    self.images = images
  }

  /// Flagged items: true plus false positives.
  public var flagged: Int { truePositives + falsePositives }

  /// TP / (TP + FP); nil when nothing is flagged.
  public var precision: Double? {
    flagged == 0 ? nil : Double(truePositives) / Double(flagged)
  }

  /// TP / (TP + FN); nil when there is nothing to find.
  public var recall: Double? {
    truePositives + falseNegatives == 0
      ? nil : Double(truePositives) / Double(truePositives + falseNegatives)
  }

  /// 2PR / (P + R) = 2TP / (2TP + FP + FN); nil when TP + FP + FN is 0.
  public var f1: Double? {
    let d = 2 * truePositives + falsePositives + falseNegatives
    return d == 0 ? nil : Double(2 * truePositives) / Double(d)
  }

  /// Flagged items per 1,000 images evaluated (for image-level points: alerts per 1,000 images).
  public var perThousandImages: Double {
    images == 0 ? 0 : Double(flagged) * 1000 / Double(images)
  }
}

/// Scored items (images or detections), each a true or false positive once flagged, swept over
/// every threshold.
///
/// Items with equal scores are flagged together, so the curve has one point per distinct score
/// (highest first), and ``point(at:)`` counts the items scoring at or above a threshold.
public struct ScoreSweep: Sendable, Equatable {
  /// Distinct scores, highest first.
  public private(set) var scores: [Double] = []
  /// Cumulative true and false positives at each score.
  private var cumulativeTP: [Int] = []
  private var cumulativeFP: [Int] = []
  /// Items to find (truth images or boxes); found ones are the true positives.
  public var positives: Int
  /// Images evaluated.
  public var images: Int

  /// `items`: (score, whether flagging it is right). `positives`: how many items exist to be
  /// found, including ones never scored.
  public init(items: [(score: Double, correct: Bool)], positives: Int, images: Int) {
    self.positives = positives
    self.images = images
    let sorted = items.filter { $0.score > 0 }.sorted { $0.score > $1.score }
    var tp = 0, fp = 0
    for (i, item) in sorted.enumerated() {
      if item.correct { tp += 1 } else { fp += 1 }
      let last = i == sorted.count - 1 || sorted[i + 1].score != item.score
      if last {
        scores.append(item.score)
        cumulativeTP.append(tp)
        cumulativeFP.append(fp)
      }
    }
  }

  /// The counts when everything scoring at or above `threshold` is flagged.
  public func point(at threshold: Double) -> OperatingPoint {
    // The number of distinct scores >= threshold (scores are descending).
    var lo = 0, hi = scores.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if scores[mid] >= threshold { lo = mid + 1 } else { hi = mid }
    }
    let tp = lo == 0 ? 0 : cumulativeTP[lo - 1]
    let fp = lo == 0 ? 0 : cumulativeFP[lo - 1]
    return OperatingPoint(
      threshold: threshold, truePositives: tp, falsePositives: fp, falseNegatives: positives - tp,
      images: images)
  }

  /// One point per distinct score, highest threshold first.
  public var curve: [OperatingPoint] {
    scores.indices.map { i in
      OperatingPoint(
        threshold: scores[i], truePositives: cumulativeTP[i], falsePositives: cumulativeFP[i],
        falseNegatives: positives - cumulativeTP[i], images: images)
    }
  }

  /// Average precision with all-point interpolation (PASCAL VOC 2010+): the area under the
  /// precision-recall curve after each precision is raised to the best precision at any higher
  /// recall. Nil when there is nothing to find.
  public var averagePrecision: Double? {
    guard positives > 0 else { return nil }
    let points = curve
    guard !points.isEmpty else { return 0 }
    var precision = points.map { $0.precision ?? 0 }
    let recall = points.map { $0.recall ?? 0 }
    if precision.count >= 2 {
      for i in stride(from: precision.count - 2, through: 0, by: -1) {
        precision[i] = max(precision[i], precision[i + 1])
      }
    }
    var ap = 0.0
    var previousRecall = 0.0
    for i in points.indices {
      ap += (recall[i] - previousRecall) * precision[i]
      previousRecall = recall[i]
    }
    return ap
  }
}
