import Formats

/// What a threshold should achieve.
public enum ThresholdGoal: Sendable, Equatable, CustomStringConvertible {
  /// Find at least this share of the images with the class, raising as few alerts as possible:
  /// the highest threshold whose recall is at least the target.
  case recall(Double)
  /// Be right at least this often, finding as much as possible: the lowest threshold whose
  /// precision is at least the target.
  case precision(Double)
  /// The threshold with the best F1 (the higher threshold on a tie).
  case bestF1

  /// Parses `recall=0.9`, `precision=0.95` or `f1`.
  public init?(_ text: String) {
    let t = text.trimmed().lowercased()
    if t == "f1" || t == "best-f1" || t == "bestf1" {
      self = .bestF1
      return
    }
    let parts = t.split(separator: "=", maxSplits: 1).map(String.init)
    guard parts.count == 2, let v = Double(parts[1]), (0...1).contains(v) else { return nil }
    switch parts[0] {
    case "recall", "r": self = .recall(v)
    case "precision", "p": self = .precision(v)
    default: return nil
    }
  }

  public var description: String {
    switch self {
    case .recall(let r): return "recall >= \(HTMLText.fixed(r, 3))"
    case .precision(let p): return "precision >= \(HTMLText.fixed(p, 3))"
    case .bestF1: return "best F1"
    }
  }
}

/// A threshold chosen for a goal.
public struct TunedThreshold: Sendable, Equatable {
  public var threshold: Double
  /// The counts at that threshold.
  public var point: OperatingPoint
  /// False when no threshold reaches the goal; the threshold is then the closest one (the
  /// highest recall, or the highest precision).
  public var goalMet: Bool
}

/// Chooses thresholds from a sweep (see ``ThresholdGoal`` for the rules).
public enum ThresholdTuner {
  /// Nil when nothing can be chosen: the class never occurs, or is never detected.
  public static func choose(_ sweep: ScoreSweep, goal: ThresholdGoal) -> TunedThreshold? {
    guard sweep.positives > 0 else { return nil }
    let curve = sweep.curve  // highest threshold first: recall never falls along it
    guard !curve.isEmpty else { return nil }
    func pick(_ p: OperatingPoint, _ met: Bool) -> TunedThreshold {
      TunedThreshold(threshold: p.threshold, point: p, goalMet: met)
    }
    switch goal {
    case .recall(let target):
      if let p = curve.first(where: { ($0.recall ?? 0) >= target - 1e-12 }) { return pick(p, true) }
      return pick(curve.last!, false)
    case .precision(let target):
      if let p = curve.last(where: { ($0.precision ?? 0) >= target - 1e-12 }) {
        return pick(p, true)
      }
      let best = curve.max { a, b in
        let pa = a.precision ?? 0, pb = b.precision ?? 0
        return pa != pb ? pa < pb : a.truePositives < b.truePositives
      }!
      return pick(best, false)
    case .bestF1:
      var best = curve[0]
      for p in curve.dropFirst() where (p.f1 ?? 0) > (best.f1 ?? 0) { best = p }
      return pick(best, true)
    }
  }
}
