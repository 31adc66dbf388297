import Foundation

/// How sure a recall measured on few labelled images is: the Wilson score interval for a
/// proportion, `found` of `positives`, at 95% confidence.
///
/// Wilson's interval stays inside 0...1 and is honest at the ends, where the plain
/// p ± 1.96·√(p(1−p)/n) collapses: 14 of 14 found gives 0.785...1.000, not 1.000...1.000.
public struct RecallInterval: Sendable, Equatable {
  /// Truth items found (true positives) and truth items there were (true positives plus misses).
  public var found: Int
  public var positives: Int
  public var lower: Double
  public var upper: Double

  /// The standard normal quantile for a two-sided 95% interval.
  static let z95 = 1.959963984540054

  /// Nil when there is nothing to find (`positives` is 0) or `found` is not in 0...positives.
  public init?(found: Int, positives: Int) {
    guard positives > 0, (0...positives).contains(found) else { return nil }
    self.found = found
    self.positives = positives
    let n = Double(positives)
    let p = Double(found) / n
    let z2 = Self.z95 * Self.z95
    let denominator = 1 + z2 / n
    let centre = (p + z2 / (2 * n)) / denominator
    let half = Self.z95 / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
    lower = max(0, centre - half)
    upper = min(1, centre + half)
  }

  /// The measured recall, found / positives.
  public var recall: Double { Double(found) / Double(positives) }
}
