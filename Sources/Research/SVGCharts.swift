/// Inline SVG charts for the evaluation page: no scripts, no external files.
enum SVGCharts {
  /// Colours for the compared runs, in order.
  static let palette = ["#1f6fb4", "#d9480f", "#2b8a3e", "#862e9c", "#495057"]

  struct Series {
    var name: String
    /// (recall, precision) points, in order of falling threshold.
    var points: [(x: Double, y: Double)]
    /// The point at the thresholds in force.
    var marker: (x: Double, y: Double)?
  }

  static let width = 360.0, height = 300.0
  static let left = 46.0, right = 12.0, top = 28.0, bottom = 40.0

  static func px(_ x: Double) -> String { HTMLText.fixed(left + x * (width - left - right), 1) }
  static func py(_ y: Double) -> String {
    HTMLText.fixed(height - bottom - y * (height - top - bottom), 1)
  }

  /// Axes 0…1 with grid lines every 0.2, labelled.
  static func frame(title: String, xLabel: String, yLabel: String) -> String {
    var s = ""
    for i in 0...5 {
      let v = Double(i) / 5
      s += "<line class=\"grid\" x1=\"\(px(0))\" y1=\"\(py(v))\" x2=\"\(px(1))\" y2=\"\(py(v))\"/>"
      s += "<line class=\"grid\" x1=\"\(px(v))\" y1=\"\(py(0))\" x2=\"\(px(v))\" y2=\"\(py(1))\"/>"
      s +=
        "<text class=\"tick\" x=\"\(HTMLText.fixed(left - 6, 1))\" y=\"\(py(v))\" text-anchor=\"end\" dominant-baseline=\"middle\">\(HTMLText.fixed(v, 1))</text>"
      s +=
        "<text class=\"tick\" x=\"\(px(v))\" y=\"\(HTMLText.fixed(height - bottom + 14, 1))\" text-anchor=\"middle\">\(HTMLText.fixed(v, 1))</text>"
    }
    s +=
      "<text class=\"title\" x=\"\(HTMLText.fixed(width / 2, 1))\" y=\"16\" text-anchor=\"middle\">\(HTMLText.escape(title))</text>"
    s +=
      "<text class=\"axis\" x=\"\(HTMLText.fixed((left + width - right) / 2, 1))\" y=\"\(HTMLText.fixed(height - 6, 1))\" text-anchor=\"middle\">\(HTMLText.escape(xLabel))</text>"
    s +=
      "<text class=\"axis\" transform=\"translate(12 \(HTMLText.fixed((top + height - bottom) / 2, 1))) rotate(-90)\" text-anchor=\"middle\">\(HTMLText.escape(yLabel))</text>"
    return s
  }

  /// A precision-recall chart with one line per series and a dot at each series' thresholds.
  static func precisionRecall(title: String, series: [Series]) -> String {
    var s =
      "<svg class=\"chart pr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(HTMLText.escape(title))\">"
    s += frame(title: title, xLabel: "recall", yLabel: "precision")
    for (i, series) in series.enumerated() {
      let color = palette[i % palette.count]
      if !series.points.isEmpty {
        // Start at recall 0 with the first precision so the curve reads from the left edge.
        var pts = [(x: 0.0, y: series.points[0].y)] + series.points
        pts = pts.map { (min(max($0.x, 0), 1), min(max($0.y, 0), 1)) }
        let d = pts.map { "\(px($0.x)),\(py($0.y))" }.joined(separator: " ")
        s +=
          "<polyline class=\"curve\" data-run=\"\(HTMLText.escape(series.name))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(d)\"/>"
      }
      if let m = series.marker {
        s +=
          "<circle class=\"marker\" cx=\"\(px(m.x))\" cy=\"\(py(m.y))\" r=\"4.5\" fill=\"\(color)\" stroke=\"#fff\" stroke-width=\"1.5\"><title>\(HTMLText.escape(series.name)): recall \(HTMLText.ratio(m.x)), precision \(HTMLText.ratio(m.y)) at the thresholds in force</title></circle>"
      }
    }
    s += legend(series.map(\.name))
    return s + "</svg>"
  }

  static func legend(_ names: [String]) -> String {
    var s = ""
    for (i, name) in names.enumerated() {
      let y = top + 8 + Double(i) * 16
      let color = palette[i % palette.count]
      s +=
        "<rect x=\"\(px(0.04))\" y=\"\(HTMLText.fixed(y - 5, 1))\" width=\"12\" height=\"4\" fill=\"\(color)\"/>"
      s +=
        "<text class=\"legend\" x=\"\(HTMLText.fixed(left + 0.04 * (width - left - right) + 16, 1))\" y=\"\(HTMLText.fixed(y, 1))\" dominant-baseline=\"middle\">\(HTMLText.escape(name))</text>"
    }
    return s
  }

  /// Confidence histogram: bars for images with the class (green) and without it (red), per
  /// 0.05 bin, and a line at the threshold.
  static func histogram(title: String, histogram h: ScoreHistogram, threshold: Double) -> String {
    var s =
      "<svg class=\"chart hist\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(HTMLText.escape(title))\">"
    // Five whole-number steps up to at least the tallest bar.
    let tallest = max(1, (h.positives + h.negatives).max() ?? 1)
    let step = (tallest + 4) / 5
    let maxCount = step * 5
    for i in 0...5 {
      let v = Double(i) / 5
      s += "<line class=\"grid\" x1=\"\(px(0))\" y1=\"\(py(v))\" x2=\"\(px(1))\" y2=\"\(py(v))\"/>"
      s +=
        "<text class=\"tick\" x=\"\(HTMLText.fixed(left - 6, 1))\" y=\"\(py(v))\" text-anchor=\"end\" dominant-baseline=\"middle\">\(i * step)</text>"
      s +=
        "<text class=\"tick\" x=\"\(px(v))\" y=\"\(HTMLText.fixed(height - bottom + 14, 1))\" text-anchor=\"middle\">\(HTMLText.fixed(v, 1))</text>"
    }
    s +=
      "<text class=\"title\" x=\"\(HTMLText.fixed(width / 2, 1))\" y=\"16\" text-anchor=\"middle\">\(HTMLText.escape(title))</text>"
    s +=
      "<text class=\"axis\" x=\"\(HTMLText.fixed((left + width - right) / 2, 1))\" y=\"\(HTMLText.fixed(height - 6, 1))\" text-anchor=\"middle\">image score (highest confidence)</text>"
    let binWidth = 1.0 / Double(ScoreHistogram.binCount)
    for bin in 0..<ScoreHistogram.binCount {
      let x0 = Double(bin) * binWidth
      for (k, count) in [h.positives[bin], h.negatives[bin]].enumerated() where count > 0 {
        let x = x0 + Double(k) * binWidth / 2
        let y = Double(count) / Double(maxCount)
        let color = k == 0 ? "#2b8a3e" : "#c92a2a"
        let kind = k == 0 ? "with" : "without"
        s +=
          "<rect class=\"bar \(kind)\" x=\"\(px(x))\" y=\"\(py(y))\" width=\"\(HTMLText.fixed(binWidth / 2 * (width - left - right) - 1, 1))\" height=\"\(HTMLText.fixed(y * (height - top - bottom), 1))\" fill=\"\(color)\"><title>\(count) images \(kind) the class scoring \(HTMLText.fixed(x0, 2))–\(HTMLText.fixed(x0 + binWidth, 2))</title></rect>"
      }
    }
    s +=
      "<line class=\"threshold\" x1=\"\(px(threshold))\" y1=\"\(py(0))\" x2=\"\(px(threshold))\" y2=\"\(py(1))\" stroke=\"#000\" stroke-dasharray=\"4 3\"/>"
    s +=
      "<rect x=\"\(px(0.55))\" y=\"\(HTMLText.fixed(top + 3, 1))\" width=\"10\" height=\"10\" fill=\"#2b8a3e\"/><text class=\"legend\" x=\"\(HTMLText.fixed(left + 0.55 * (width - left - right) + 14, 1))\" y=\"\(HTMLText.fixed(top + 9, 1))\" dominant-baseline=\"middle\">has the class</text>"
    s +=
      "<rect x=\"\(px(0.55))\" y=\"\(HTMLText.fixed(top + 19, 1))\" width=\"10\" height=\"10\" fill=\"#c92a2a\"/><text class=\"legend\" x=\"\(HTMLText.fixed(left + 0.55 * (width - left - right) + 14, 1))\" y=\"\(HTMLText.fixed(top + 25, 1))\" dominant-baseline=\"middle\">does not</text>"
    return s + "</svg>"
  }
}
