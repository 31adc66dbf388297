import Foundation
import Formats
import Testing

@testable import Research

@Suite struct EvaluateJobTests {
  @Test func writesMetricsAndPage() throws {
    let out = try Fixture.scratchFolder("evaluate")
    defer { try? FileManager.default.removeItem(atPath: out) }
    let job = EvaluateJob(
      detections: [Fixture.path("eval/detections.json"), Fixture.path("eval/megadetector.json")],
      names: ["lookout", "megadetector"], truth: [Fixture.path("eval/truth.csv")],
      outputFolder: out + "/eval")
    try job.run()
    let metrics = try JSONParser.parse(
      Array(try Data(contentsOf: URL(fileURLWithPath: job.metricsPath))))
    #expect(metrics["format"]?.stringValue == "lookout-metrics")
    let runs = try #require(metrics["runs"]?.arrayValue)
    #expect(runs.map { $0["name"]?.stringValue } == ["lookout", "megadetector"])
    let person = try #require(runs[0]["classes"]?["person"]?["image"])
    // On the 7 common images (see EvaluatorTests.comparesOnCommonImages).
    #expect(person["at_threshold"]?["precision"]?.doubleValue == 0.666667)
    #expect(person["at_threshold"]?["tp"]?.intValue == 2)
    #expect(person["curve"]?.arrayValue?.count == 4)
    #expect(runs[1]["alerts"]?["per_1000_images"]?.doubleValue == 571.428571)
    #expect(
      runs[0]["misses"]?.arrayValue?.map { $0["file"]?.stringValue } == [
        "siteB/cam1/img7.jpg", "siteB/cam1/img5.jpg",
      ])

    let html = try String(contentsOfFile: job.pagePath, encoding: .utf8)
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    #expect(!html.contains("http://") || html.contains("xmlns=\"http://www.w3.org/2000/svg\""))
    #expect(!html.contains("<script src") && !html.contains("<link"))
    // Per class: image-level and box-level PR charts and one histogram per run.
    #expect(html.components(separatedBy: "<svg class=\"chart pr\"").count - 1 == 6)
    #expect(html.components(separatedBy: "<svg class=\"chart hist\"").count - 1 == 6)
    #expect(html.contains("<td class=\"l\">siteB/cam1/img6.jpg</td><td class=\"l\">vehicle</td>"))
  }

  @Test func noCommonImagesIsAnError() throws {
    let truthPath = try Fixture.scratchFolder("truth") + "/t.csv"
    try "file,label\nelsewhere/x.jpg,person\n".write(
      toFile: truthPath, atomically: true, encoding: .utf8)
    let job = EvaluateJob(
      detections: [Fixture.path("eval/detections.json")], truth: [truthPath],
      outputFolder: "/nonexistent")
    #expect(throws: ResearchError.self) { try job.evaluate() }
  }

  @Test func trainingDataStyleTruthMerges() throws {
    // images.csv (image-level labels) and boxes.csv (class column, no label) as in shared/data.
    let dir = try Fixture.scratchFolder("merge")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try "file,source,label\na/1.jpg,x,person+vehicle\na/2.jpg,x,empty\na/3.jpg,x,animal\n"
      .write(toFile: dir + "/images.csv", atomically: true, encoding: .utf8)
    try "file,class,x,y,w,h\na/1.jpg,person,0.1,0.1,0.1,0.1\na/1.jpg,vehicle,0.5,0.5,0.2,0.2\n"
      .write(toFile: dir + "/boxes.csv", atomically: true, encoding: .utf8)
    let truth = try TruthLoader.read(paths: [dir + "/images.csv", dir + "/boxes.csv"])
    #expect(truth.images["a/1.jpg"]?.classes == [.person, .vehicle])
    #expect(
      truth.images["a/1.jpg"]?.boxes.count == 2 && truth.images["a/1.jpg"]?.boxesComplete == true)
    #expect(truth.images["a/2.jpg"]?.boxesComplete == true)
    #expect(truth.images["a/3.jpg"]?.boxesComplete == false)
  }
}
