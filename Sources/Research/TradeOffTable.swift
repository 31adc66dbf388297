/// The trade-off between finding things and raising alerts, at a list of thresholds.
public struct TradeOffTable: Sendable, Equatable {
  /// Thresholds 0.05, 0.10, … 0.95.
  public static let defaultThresholds: [Double] = (1...19).map { Double($0) / 20 }

  public var rows: [OperatingPoint]

  /// The sweep at each of `thresholds` (and at `extra`, e.g. a chosen one), highest first,
  /// without repeats.
  public init(sweep: ScoreSweep, thresholds: [Double] = defaultThresholds, extra: [Double] = []) {
    let all = Set(thresholds + extra).sorted(by: >)
    rows = all.map { sweep.point(at: $0) }
  }

  /// A fixed-width text table: threshold, recall, precision, F1, alerts (flagged images) per
  /// 1,000 images; rows whose threshold is in `marked` get a `*` after the threshold.
  public func text(marked: Set<Double> = []) -> String {
    var lines = ["threshold  recall  precision     F1  per 1,000 images"]
    for r in rows {
      let t = HTMLText.fixed(r.threshold, 3) + (marked.contains(r.threshold) ? "*" : " ")
      lines.append(
        pad(t, 10) + pad(HTMLText.ratio(r.recall), 8) + pad(HTMLText.ratio(r.precision), 11)
          + pad(HTMLText.ratio(r.f1), 7) + pad(HTMLText.fixed(r.perThousandImages, 1), 18))
    }
    return lines.joined(separator: "\n")
  }

  private func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
  }
}
