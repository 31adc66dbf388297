import Foundation
import Formats
import LookoutCore
import Testing

@testable import Research

/// A small scan: images under `card/`, its output under `out/`, the report in `out/report/`.
struct ReviewScan {
  let root: String
  var card: String { root + "/card" }
  var scanOutput: String { root + "/out" }
  var report: String { root + "/out/report" }

  static func d(_ c: DetectionClass, _ conf: Double, _ box: [Double]) -> DetectionRecord {
    DetectionRecord(c, confidence: conf, bbox: box)
  }

  init() throws {
    root = try Fixture.scratchFolder("review")
    let images: [ImageRecord] = [
      ImageRecord(
        file: "river/cam1/a.bmp", detections: [Self.d(.person, 0.92, [0.1, 0.2, 0.3, 0.5])],
        width: 64, height: 48, datetime: "2024:05:01 06:00:00"),
      ImageRecord(
        file: "river/cam1/b.bmp", detections: [Self.d(.animal, 0.85, [0.5, 0.5, 0.3, 0.3])],
        width: 64, height: 48, datetime: "2024:05:02 06:00:00"),
      ImageRecord(
        file: "river/cam2/c.bmp",
        detections: [
          Self.d(.vehicle, 0.7, [0.0, 0.0, 0.5, 0.5]), Self.d(.person, 0.3, [0.6, 0.6, 0.2, 0.3]),
        ],
        width: 64, height: 48, datetime: "2024:06:01 12:00:00"),
      ImageRecord(
        file: "hill/cam9/d.bmp", detections: [], width: 64, height: 48,
        datetime: "2024:06:10 00:00:00"),
      ImageRecord.failed(file: "hill/cam9/e.bmp", reason: "Failure image access"),
    ]
    let fm = FileManager.default
    for image in images {
      let path = card + "/" + image.file
      try fm.createDirectory(atPath: Paths.directory(of: path), withIntermediateDirectories: true)
      let box = image.detections?.first?.bbox ?? [0, 0, 0, 0]
      let bytes = TestImage.bmp(
        width: 64, height: 48, background: (40, 60, 40), foreground: (220, 200, 120), rect: box)
      #expect(fm.createFile(atPath: path, contents: Data(bytes)))
    }
    try fm.createDirectory(atPath: scanOutput, withIntermediateDirectories: true)
    let info = RunInfo(
      detector: "lookout-det v0.1.0",
      lookout: LookoutRunInfo(
        modelVersion: "t", classThresholds: ["animal": 0.4, "person": 0.5, "vehicle": 0.6]))
    #expect(fm.createFile(
      atPath: scanOutput + "/detections.json",
      contents: Data(MegaDetectorOutput.encode(images: images, info: info))))
  }

  func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// The `data-file` attributes of the cards in a dumped DOM, in order.
func cardFiles(_ dom: String) -> [String] {
  dom.components(separatedBy: "<figure ").dropFirst().compactMap { part in
    guard let r = part.range(of: "data-file=\"") else { return nil }
    let rest = part[r.upperBound...]
    return String(rest[..<rest.firstIndex(of: "\"")!])
  }
}

/// Image `i` of a large synthetic run: every `personEvery`-th image has a flagged person.
func syntheticItem(_ i: Int, personEvery: Int) -> ReviewItem {
  let site = "site\(i % 7)", camera = "cam\(i % 13)"
  let person = i % personEvery == 0
  let box = ScoredBox(detectionClass: .person, confidence: 0.9, bbox: [0.1, 0.1, 0.2, 0.3])
  return ReviewItem(
    file: "\(site)/\(camera)/IMG_\(i).JPG", site: site, camera: camera,
    capturedAt: "2024-05-\(10 + i % 20) 06:00:00", width: 1920, height: 1080,
    detections: person ? [box] : [], flagged: person ? [.person] : [], failure: nil)
}

@Suite struct ReviewPageTests {
  @Test func itemsAndOrder() throws {
    let scan = try ReviewScan()
    defer { scan.remove() }
    let run = try DetectionRun.read(path: scan.scanOutput + "/detections.json")
    let t = ClassThresholds.resolve(overrides: [:], config: nil, recorded: run.recordedThresholds)
    let items = ReviewPage.sorted(ReviewPage.items(run: run, thresholds: t, minimumConfidence: 0.1))
    #expect(items.map { Paths.fileName($0.file) } == ["a.bmp", "c.bmp", "b.bmp", "d.bmp", "e.bmp"])
    #expect(items[0].flagged == [.person] && items[1].flagged == [.vehicle])  // 0.3 person is below
    #expect(items[0].site == "river" && items[0].camera == "cam1")
    #expect(items[0].capturedAt == "2024-05-01 06:00:00")
    #expect(ReviewJob.imageBase(from: scan.report, to: scan.card) == "../../card/")
  }

  @Test func scriptDataCannotCloseTheScript() {
    let item = ReviewItem(
      file: "x/</script><b>.jpg", detections: [], flagged: [], failure: nil)
    let html = ReviewPage.html(
      items: [item],
      thresholds: ClassThresholds.resolve(overrides: [:], config: nil, recorded: [:]),
      imageBase: "", title: "T <&>")
    #expect(html.contains("x/\\u003c/script>\\u003cb>.jpg"))
    #expect(html.contains("<title>T &lt;&amp;&gt;</title>"))
  }

  /// 100,000 images make one valid page: every image is in its data, the file stays small, and
  /// it holds no card markup (the script builds one page of cards at a time). No time limit here:
  /// speed is for scripts/bench, not for a unit test on a shared machine.
  @Test func hundredThousandImagesAreWritten() throws {
    let items = (0..<100_000).map { syntheticItem($0, personEvery: 3) }
    let html = ReviewPage.html(
      items: items,
      thresholds: ClassThresholds.resolve(overrides: [:], config: nil, recorded: [:]),
      imageBase: "../", title: "big")
    #expect(html.utf8.count < 20_000_000)
    #expect(!html.contains("<figure"))
    #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</body></html>\n"))
    let open = try #require(html.range(of: "<script id=\"lookout-data\" type=\"application/json\">"))
    let close = try #require(html.range(of: "</script>", range: open.upperBound..<html.endIndex))
    let data = try #require(
      try JSONSerialization.jsonObject(with: Data(html[open.upperBound..<close.lowerBound].utf8))
        as? [String: Any])
    let images = try #require(data["images"] as? [[Any]])
    #expect(images.count == 100_000)
    #expect(data["pageSize"] as? Int == ReviewPage.pageSize)
    #expect(images.filter { ($0[4] as? Int) == 2 }.count == 33_334)  // every third has a person
  }
}

@Suite(.enabled(if: Browser.available, "needs headless Chromium (apt-get install chromium)"))
struct ReviewPageBrowserTests {
  @Test func whatAPersonSees() throws {
    let scan = try ReviewScan()
    defer { scan.remove() }
    let count = try ReviewJob(
      detections: scan.scanOutput, imagesFolder: scan.card, outputFolder: scan.report
    ).run()
    #expect(count == 5)
    let page = scan.report + "/report.html"
    let dom = try Browser.dom(page)
    #expect(dom.contains("data-matched=\"5\""))
    #expect(dom.contains("5 images match · page 1 of 1"))
    #expect(
      cardFiles(dom) == [
        "river/cam1/a.bmp", "river/cam2/c.bmp", "river/cam1/b.bmp", "hill/cam9/d.bmp",
        "hill/cam9/e.bmp",
      ])
    // Alerts are marked, images load from the scanned folder, boxes sit where the detections
    // are, the caption says why an image alerted, and a below-threshold detection is drawn
    // (dashed) only with the "weaker boxes" toggle.
    #expect(dom.components(separatedBy: "class=\"card alert\"").count - 1 == 2)
    #expect(dom.contains("src=\"../../card/river/cam1/a.bmp\""))
    #expect(
      dom.contains(
        "class=\"box c2\" style=\"left: 10%; top: 20%; width: 30%; height: 50%;\"><span>person 0.92</span>"
      ))
    #expect(dom.contains("<strong class=\"why\">person 0.92</strong>"))
    #expect(dom.contains("<strong class=\"why\">vehicle 0.70</strong>"))
    #expect(!dom.contains("class=\"box c2 below\""))
    #expect(dom.contains("could not be read: Failure image access"))
    let weak = try Browser.dom(page, fragment: "#weak=1")
    #expect(weak.contains("class=\"box c2 below\""))
    #expect(weak.contains("<input type=\"checkbox\" id=\"f-weak\">"))

    #expect(cardFiles(try Browser.dom(page, fragment: "#class=vehicle")) == ["river/cam2/c.bmp"])
    #expect(
      cardFiles(try Browser.dom(page, fragment: "#class=alerts")) == [
        "river/cam1/a.bmp", "river/cam2/c.bmp",
      ])
    #expect(
      cardFiles(try Browser.dom(page, fragment: "#camera=cam9")) == [
        "hill/cam9/d.bmp", "hill/cam9/e.bmp",
      ])
    #expect(
      cardFiles(try Browser.dom(page, fragment: "#from=2024-06-01&to=2024-06-05")) == [
        "river/cam2/c.bmp"
      ])
    #expect(
      cardFiles(try Browser.dom(page, fragment: "#class=empty&site=hill")) == ["hill/cam9/d.bmp"])

    let png = scan.root + "/shot.png"
    try Browser.screenshot(page, to: png)
    let shot = try Data(contentsOf: URL(fileURLWithPath: png))
    #expect(shot.count > 5_000 && shot.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    if let keep = ProcessInfo.processInfo.environment["LOOKOUT_KEEP_SCREENSHOT"] {
      try? FileManager.default.removeItem(atPath: keep)
      try FileManager.default.copyItem(atPath: png, toPath: keep)
    }
  }

  /// One image with people, vehicles and an animal at or above their thresholds and weaker
  /// detections of each: by default only the boxes that reach their threshold are drawn, people on
  /// top, and the caption names them people first; the toggle adds the weaker ones underneath.
  @Test func theCaptionSaysWhyAnImageAlerted() throws {
    let dir = try Fixture.scratchFolder("review-why")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    func box(_ c: DetectionClass, _ confidence: Double, _ x: Double) -> ScoredBox {
      ScoredBox(detectionClass: c, confidence: confidence, bbox: [x, 0.4, 0.05, 0.1])
    }
    let detections = [
      box(.vehicle, 0.17, 0.30), box(.vehicle, 0.81, 0.10), box(.animal, 0.45, 0.70),
      box(.person, 0.52, 0.31), box(.person, 0.12, 0.50), box(.person, 0.57, 0.33),
    ]
    let item = ReviewItem(
      file: "site/cam/IMG_1.JPG", site: "site", camera: "cam", width: 1920, height: 1080,
      detections: detections, flagged: [.person, .vehicle, .animal], failure: nil)
    let thresholds = ClassThresholds.resolve(
      overrides: ["person": 0.5, "vehicle": 0.6, "animal": 0.4], config: nil, recorded: [:])
    let page = dir + "/report.html"
    try ReviewPage.html(items: [item], thresholds: thresholds, imageBase: "", title: "why")
      .write(toFile: page, atomically: true, encoding: .utf8)

    /// The boxes' labels in DOM order (the last one is drawn on top).
    func labels(_ dom: String) -> [String] {
      dom.components(separatedBy: "class=\"box ").dropFirst().map { part in
        let label = part.components(separatedBy: "<span>")[1]
        return String(label[..<label.range(of: "</span>")!.lowerBound])
      }
    }
    let dom = try Browser.dom(page)
    #expect(
      dom.contains(
        "<strong class=\"why\">person 0.57, 2 people; vehicle 0.81; animal 0.45</strong>"))
    #expect(labels(dom) == ["animal 0.45", "vehicle 0.81", "person 0.52", "person 0.57"])
    #expect(!dom.contains(" below\" style="))

    let weak = try Browser.dom(page, fragment: "#weak=1")
    #expect(
      labels(weak) == [
        "vehicle 0.17", "person 0.12", "animal 0.45", "vehicle 0.81", "person 0.52", "person 0.57",
      ])
    #expect(weak.components(separatedBy: " below\" style=").count - 1 == 2)
    #expect(weak.contains("<input type=\"checkbox\" id=\"f-weak\">"))
  }

  /// The images on screen are loaded at once (eager, decoded for the next paint), so a card in
  /// view never stays grey; those further down the page still load lazily.
  @Test func everyImageInViewLoads() throws {
    let dir = try Fixture.scratchFolder("review-in-view")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let items = (0..<400).map { syntheticItem($0, personEvery: 2) }
    let page = dir + "/report.html"
    try ReviewPage.html(
      items: items, thresholds: ClassThresholds.resolve(overrides: [:], config: nil, recorded: [:]),
      imageBase: "", title: "in view"
    ).write(toFile: page, atomically: true, encoding: .utf8)
    let dom = try Browser.dom(page, size: "1200,900")
    let loading = dom.components(separatedBy: "<img ").dropFirst().map { tag -> String in
      let attributes = String(tag[..<tag.firstIndex(of: ">")!])
      return attributes.contains("loading=\"eager\"") ? "eager" : "lazy"
    }
    #expect(loading.count == ReviewPage.pageSize)
    let eager = loading.prefix { $0 == "eager" }.count
    // 4 columns of 1920x1080 images in a 1200x900 window: at least the first row is in view,
    // and far from all 50 rows.
    #expect(eager >= 4 && eager <= 40, "\(eager) eager images")
    #expect(loading.dropFirst(eager).allSatisfy { $0 == "lazy" })
  }

  @Test func hundredThousandImagesRenderOnePage() throws {
    let dir = try Fixture.scratchFolder("review-big")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let items = (0..<100_000).map { syntheticItem($0, personEvery: 4) }
    let page = dir + "/report.html"
    try ReviewPage.html(
      items: items, thresholds: ClassThresholds.resolve(overrides: [:], config: nil, recorded: [:]),
      imageBase: "", title: "big"
    ).write(toFile: page, atomically: true, encoding: .utf8)
    let dom = try Browser.dom(page)
    #expect(dom.contains("100000 images match · page 1 of 500"))
    #expect(dom.components(separatedBy: "<figure ").count - 1 == ReviewPage.pageSize)
    #expect(dom.components(separatedBy: "<img ").count - 1 == ReviewPage.pageSize)
    let last = try Browser.dom(page, fragment: "#class=person&page=125")
    #expect(last.contains("25000 images match · page 125 of 125"))
    #expect(last.components(separatedBy: "<figure ").count - 1 == 200)
  }
}
