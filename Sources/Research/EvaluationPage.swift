import Foundation
import Formats
import LookoutCore

/// The evaluation page: a self-contained HTML file (inline CSS and SVG, no scripts, nothing
/// fetched) with, per class, precision-recall curves of every run at image and box level,
/// confidence histograms, a trade-off table, and the misses and false alerts by file name.
public enum EvaluationPage {
  /// Rows of the misses and false-positive tables shown per run (all are in metrics.json).
  public static let mistakeRowLimit = 500

  public static func html(_ report: EvaluationReport) -> String {
    var body = ""
    body += "<h1>Lookout evaluation</h1>"
    body +=
      "<p class=\"meta\">Ground truth: \(report.truthSources.map { "<code>\(HTMLText.escape($0))</code>" }.joined(separator: ", ")) — \(report.truthImages) images. Boxes match at IoU ≥ \(HTMLText.fixed(report.iouThreshold, 2)).</p>"
    body += summary(report)
    for c in DetectionClass.allCases { body += classSection(c, report) }
    for run in report.runs { body += mistakes(run) }
    return """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>Lookout evaluation</title>
      <style>\(style)</style></head>
      <body>\(body)</body></html>

      """
  }

  static let style = """
    body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#212529;max-width:1200px}
    h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #dee2e6}h3{font-size:15px}
    table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #dee2e6;padding:3px 8px;text-align:right}
    th{background:#f1f3f5}td.l,th.l{text-align:left}.meta{color:#495057}
    .charts{display:flex;flex-wrap:wrap;gap:12px}.chart{border:1px solid #e9ecef;background:#fff}
    .grid{stroke:#e9ecef}.tick{font-size:10px;fill:#495057}.title{font-size:13px;font-weight:600}
    .axis{font-size:11px;fill:#343a40}.legend{font-size:11px}
    details{margin:6px 0 14px}code{font-size:13px}
    """

  static func summary(_ report: EvaluationReport) -> String {
    var s =
      "<h2>Summary</h2><table id=\"summary\"><tr><th class=\"l\">run</th><th>images</th><th>alerts per 1,000 images</th><th>alert precision</th><th>alert recall</th><th>alert F1</th><th class=\"l\">thresholds (animal / person / vehicle)</th></tr>"
    for run in report.runs {
      let t = DetectionClass.allCases.map { HTMLText.fixed(run.thresholds.threshold($0), 3) }
        .joined(separator: " / ")
      let sites = run.thresholds.sites.isEmpty ? "" : " + per-site"
      s +=
        "<tr><td class=\"l\">\(HTMLText.escape(run.name))</td><td>\(run.imagesEvaluated)</td><td>\(HTMLText.fixed(run.alerts.perThousandImages, 1))</td><td>\(HTMLText.ratio(run.alerts.precision))</td><td>\(HTMLText.ratio(run.alerts.recall))</td><td>\(HTMLText.ratio(run.alerts.f1))</td><td class=\"l\">\(t)\(sites)</td></tr>"
    }
    s += "</table>"
    s +=
      "<p class=\"meta\">An image alerts when a person or vehicle reaches its threshold; it should when the truth has a person or vehicle. "
    let notes = report.runs.map { r in
      "\(HTMLText.escape(r.name)): \(r.imagesMissing) truth images not in the detections, \(r.imagesFailed) failed, \(r.imagesUnlabelled) detected images not in the truth, \(r.boxImagesEvaluated) scored box by box"
    }
    s += notes.joined(separator: "; ") + ".</p>"
    return s
  }

  static func classSection(_ c: DetectionClass, _ report: EvaluationReport) -> String {
    var s = "<h2 id=\"class-\(c.name)\">\(c.name.capitalized)</h2>"
    s +=
      "<table class=\"class-table\" data-class=\"\(c.name)\"><tr><th class=\"l\">run</th><th>threshold</th><th>truth images</th><th>image precision</th><th>image recall</th><th>image F1</th><th>image AP</th><th>truth boxes</th><th>box precision</th><th>box recall</th><th>box F1</th><th>box AP</th></tr>"
    for run in report.runs {
      guard let e = run.evaluation(of: c) else { continue }
      let p = e.image.atThreshold
      s +=
        "<tr><td class=\"l\">\(HTMLText.escape(run.name))</td><td>\(HTMLText.fixed(run.thresholds.threshold(c), 3))</td><td>\(e.image.positives)</td><td>\(HTMLText.ratio(p.precision))</td><td>\(HTMLText.ratio(p.recall))</td><td>\(HTMLText.ratio(p.f1))</td><td>\(HTMLText.ratio(e.image.averagePrecision))</td>"
      if let b = e.box {
        s +=
          "<td>\(b.positives)</td><td>\(HTMLText.ratio(b.atThreshold.precision))</td><td>\(HTMLText.ratio(b.atThreshold.recall))</td><td>\(HTMLText.ratio(b.atThreshold.f1))</td><td>\(HTMLText.ratio(b.averagePrecision))</td></tr>"
      } else {
        s += "<td colspan=\"5\" class=\"l\">no truth boxes</td></tr>"
      }
    }
    s += "</table><div class=\"charts\">"
    func series(_ level: (ClassEvaluation) -> LevelEvaluation?) -> [SVGCharts.Series] {
      report.runs.compactMap { run in
        guard let e = run.evaluation(of: c), let l = level(e) else { return nil }
        let points = l.sweep.curve.map { (x: $0.recall ?? 0, y: $0.precision ?? 1) }
        let p = l.atThreshold
        let marker = p.precision.map { (x: p.recall ?? 0, y: $0) }
        return SVGCharts.Series(name: run.name, points: points, marker: marker)
      }
    }
    s += SVGCharts.precisionRecall(title: "\(c.name): image level", series: series { $0.image })
    let boxSeries = series { $0.box }
    if !boxSeries.isEmpty {
      s += SVGCharts.precisionRecall(
        title: "\(c.name): box level (IoU ≥ \(HTMLText.fixed(report.iouThreshold, 2)))",
        series: boxSeries)
    }
    for run in report.runs {
      guard let e = run.evaluation(of: c) else { continue }
      s += SVGCharts.histogram(
        title: "\(c.name) scores: \(run.name)", histogram: e.histogram,
        threshold: run.thresholds.threshold(c))
    }
    s += "</div>"
    for run in report.runs {
      guard let e = run.evaluation(of: c) else { continue }
      let table = TradeOffTable(sweep: e.image.sweep, extra: [run.thresholds.threshold(c)])
      s +=
        "<details><summary>Trade-off for \(c.name), \(HTMLText.escape(run.name)) (image level)</summary><table class=\"tradeoff\"><tr><th>threshold</th><th>recall</th><th>precision</th><th>F1</th><th>images flagged per 1,000</th></tr>"
      for r in table.rows {
        let mark = r.threshold == run.thresholds.threshold(c) ? " (in force)" : ""
        s +=
          "<tr><td>\(HTMLText.fixed(r.threshold, 3))\(mark)</td><td>\(HTMLText.ratio(r.recall))</td><td>\(HTMLText.ratio(r.precision))</td><td>\(HTMLText.ratio(r.f1))</td><td>\(HTMLText.fixed(r.perThousandImages, 1))</td></tr>"
      }
      s += "</table></details>"
    }
    return s
  }

  static func mistakes(_ run: RunEvaluation) -> String {
    var s = "<h2>Mistakes: \(HTMLText.escape(run.name))</h2>"
    let falseAlerts = run.falsePositives.filter { $0.detectionClass != .animal }
    let falseAnimals = run.falsePositives.filter { $0.detectionClass == .animal }
    s += table(title: "Misses", id: "misses", run.misses)
    s += table(title: "False alerts (person, vehicle)", id: "false-alerts", falseAlerts)
    s += table(title: "False animal detections", id: "false-animals", falseAnimals)
    return s
  }

  static func table(title: String, id: String, _ rows: [ImageMistake]) -> String {
    var s = "<h3>\(title): \(rows.count)</h3>"
    guard !rows.isEmpty else { return s }
    s +=
      "<table class=\"mistakes \(id)\"><tr><th class=\"l\">file</th><th class=\"l\">class</th><th>score</th><th>threshold</th></tr>"
    for m in rows.prefix(mistakeRowLimit) {
      s +=
        "<tr><td class=\"l\">\(HTMLText.escape(m.file))</td><td class=\"l\">\(m.detectionClass.name)</td><td>\(HTMLText.fixed(m.score, 3))</td><td>\(HTMLText.fixed(m.threshold, 3))</td></tr>"
    }
    s += "</table>"
    if rows.count > mistakeRowLimit {
      s += "<p class=\"meta\">\(rows.count - mistakeRowLimit) more in metrics.json.</p>"
    }
    return s
  }
}
