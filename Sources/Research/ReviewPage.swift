import Formats
import LookoutCore

/// One image as the review page shows it.
public struct ReviewItem: Sendable, Equatable {
  public var file: String
  public var site: String?
  public var camera: String?
  /// `"2024-05-01 06:12:33"` (from the EXIF date-time), when known.
  public var capturedAt: String?
  public var width: Int?
  public var height: Int?
  /// Detections to draw (at or above the page's minimum confidence; those below their class
  /// threshold only when the page's "weaker boxes" toggle is on).
  public var detections: [ScoredBox]
  /// Classes at or above their thresholds.
  public var flagged: Set<DetectionClass>
  public var failure: String?
  /// For a video clip: the frame shown (MegaDetector's `frame_number` of its best detection),
  /// whose detections are the ones drawn. Nil for a photo.
  public var frameNumber: Int?
  /// For a video clip: the shown frame as a JPEG, relative to the report folder
  /// (``ReviewJob`` extracts it). Nil for a photo, whose own file is shown.
  public var picture: String?

  /// Whether a person or vehicle reached its threshold.
  public var alerts: Bool { flagged.contains(.person) || flagged.contains(.vehicle) }
  /// The highest confidence of any detection (0 without one).
  public var bestConfidence: Double { detections.map(\.confidence).max() ?? 0 }
}

/// The review page for a run: one self-contained HTML file (inline CSS, script and data; the
/// images themselves are referenced by relative path and loaded lazily).
///
/// Images are sorted alerts first, then by highest confidence, then by path; failed images
/// last. Filters: class (alerts, person, vehicle, animal, empty, failed), site, camera and a
/// date range; 200 images per page, and only the current page is in the DOM, so 100,000 images
/// stay fast. Boxes are drawn over each image as positioned elements: by default only those at
/// or above their class threshold (the ones that flag the image), people on top of vehicles on
/// top of animals, and the caption names them, people first ("person 0.57, 2 people"); the
/// "weaker boxes" toggle adds the detections below their threshold, dashed and underneath. The
/// filters, the toggle and the page live in the address's fragment
/// (`report.html#class=person&camera=cam03&weak=1&page=2`), so a view can be bookmarked or shared.
public enum ReviewPage {
  public static let pageSize = 200

  /// Builds review items from a run with the given thresholds, keeping detections at or above
  /// `minimumConfidence`.
  public static func items(
    run: DetectionRun, thresholds: ClassThresholds, minimumConfidence: Double
  ) -> [ReviewItem] {
    run.results.images.map { image in
      let origin = ImageOrigin(relativePath: image.file)
      let frame = shownFrame(image)
      var shown = image
      if let frame { shown.detections = image.detections?.filter { $0.frameNumber == frame } }
      let detections = run.detections(of: shown).filter { $0.confidence >= minimumConfidence }
      var flagged: Set<DetectionClass> = []
      for d in run.detections(of: image)
      where reachesThreshold(d, site: origin.site, thresholds: thresholds) {
        flagged.insert(d.detectionClass)
      }
      return ReviewItem(
        file: image.file, site: origin.site, camera: origin.camera,
        capturedAt: image.datetime.flatMap { LocalDateTime($0) }.map {
          $0.iso8601.replacingOccurrences(of: "T", with: " ")
        },
        width: image.width, height: image.height, detections: detections, flagged: flagged,
        failure: image.failure, frameNumber: frame)
    }
  }

  /// The frame a clip is shown by: that of its most confident detection (its first frame when
  /// it has none). Nil for a photo (no `frame_rate`).
  static func shownFrame(_ image: ImageRecord) -> Int? {
    guard image.frameRate != nil else { return nil }
    let best = (image.detections ?? []).filter { $0.frameNumber != nil }
      .max { a, b in DetectionRecord.writtenBefore(b, a) }
    return best?.frameNumber ?? image.framesProcessed?.first ?? 0
  }

  /// Whether a detection is at or above its class threshold (for the image's site): the boxes
  /// drawn by default and named in the caption, the same rule that flags an image.
  static func reachesThreshold(
    _ detection: ScoredBox, site: String?, thresholds: ClassThresholds
  ) -> Bool {
    detection.confidence > 0
      && detection.confidence >= thresholds.threshold(detection.detectionClass, site: site)
  }

  /// The display order (see the type's documentation).
  public static func sorted(_ items: [ReviewItem]) -> [ReviewItem] {
    let keyed = items.map { (item: $0, best: $0.bestConfidence) }
    return keyed.sorted { a, b in
      let fa = a.item.failure != nil, fb = b.item.failure != nil
      if fa != fb { return !fa }
      if a.item.alerts != b.item.alerts { return a.item.alerts }
      if a.best != b.best { return a.best > b.best }
      return a.item.file.utf8.lexicographicallyPrecedes(b.item.file.utf8)
    }.map(\.item)
  }

  /// The page. `imageBase` is prefixed to each image's path (URL-encoded) to make its `src`,
  /// e.g. `"../../card/"`.
  public static func html(
    items: [ReviewItem], thresholds: ClassThresholds, imageBase: String, title: String
  ) -> String {
    let sortedItems = sorted(items)
    var rows: [JSONValue] = []
    rows.reserveCapacity(sortedItems.count)
    for item in sortedItems {
      var mask = 0
      for c in item.flagged { mask |= 1 << c.index }
      rows.append(
        .array([
          .string(item.file), .string(item.site ?? ""), .string(item.camera ?? ""),
          .string(item.capturedAt ?? ""), .integer(mask),
          .array(
            item.detections.map { d in
              .array(
                [
                  .integer(d.detectionClass.megaDetectorCategory),
                  .number(PythonFloat.round(d.confidence, digits: 3)),
                ]
                  + d.bbox.map { .number(PythonFloat.round($0, digits: 4)) }
                  + [.integer(reachesThreshold(d, site: item.site, thresholds: thresholds) ? 1 : 0)]
              )
            }),
          .integer(item.width ?? 0), .integer(item.height ?? 0), .nullable(item.failure),
        ]
          // A clip's row adds the extracted frame's path and its number (a photo's row ends here).
          + (item.frameNumber.map { [JSONValue.nullable(item.picture), JSONValue.integer($0)] } ?? [])))
    }
    let thresholdValue = JSONValue.object(
      DetectionClass.allCases.map { ($0.name, .number(thresholds.threshold($0))) } + [
        (
          "sites",
          .object(
            thresholds.sites.sorted { $0.key < $1.key }.map { site in
              (
                site.key,
                .object(site.value.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) })
              )
            })
        )
      ])
    let alerts = sortedItems.filter(\.alerts).count
    let failed = sortedItems.filter { $0.failure != nil }.count
    let summary =
      "\(sortedItems.count) images, \(alerts) with alerts, \(failed) failed. Thresholds: "
      + DetectionClass.allCases.map { "\($0.name) \(HTMLText.fixed(thresholds.threshold($0), 2))" }
      .joined(separator: ", ") + (thresholds.sites.isEmpty ? "" : " (and per site)")
    var html = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>\(HTMLText.escape(title))</title>
      <style>\(ReviewPageAssets.style)</style></head>
      <body>
      <header><h1>\(HTMLText.escape(title))</h1><p id="summary">\(HTMLText.escape(summary))</p>
      <form id="filters" onsubmit="return false">
      <label>Show <select id="f-class"><option value="">all images</option><option value="alerts">alerts</option><option value="person">person</option><option value="vehicle">vehicle</option><option value="animal">animal</option><option value="empty">empty</option><option value="failed">failed</option></select></label>
      <label>Site <select id="f-site"><option value="">all</option></select></label>
      <label>Camera <select id="f-camera"><option value="">all</option></select></label>
      <label>From <input type="date" id="f-from"></label>
      <label>To <input type="date" id="f-to"></label>
      <label><input type="checkbox" id="f-weak"> weaker boxes (below their threshold)</label>
      </form>
      <nav class="pager"><button type="button" id="prev">‹ previous</button> <span id="page-info"></span> <button type="button" id="next">next ›</button></nav>
      </header>
      <main id="grid"></main>
      <nav class="pager"><button type="button" id="prev2">‹ previous</button> <span id="page-info2"></span> <button type="button" id="next2">next ›</button></nav>
      <script id="lookout-data" type="application/json">
      """
    html += HTMLText.scriptJSON(
      .object([
        ("imageBase", .string(imageBase)), ("pageSize", .integer(pageSize)),
        ("thresholds", thresholdValue), ("images", .array(rows)),
      ]))
    html += "</script>\n<script>\(ReviewPageAssets.script)</script>\n</body></html>\n"
    return html
  }
}
