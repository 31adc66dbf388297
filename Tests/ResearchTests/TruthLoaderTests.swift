import Foundation
import Formats
import LookoutCore
import Testing

@testable import Research

@Suite struct TruthLoaderTests {
  @Test func formatFromPath() {
    #expect(TruthLoader.format(of: "a/labels.csv") == .csv)
    #expect(TruthLoader.format(of: "a/instances.json") == .coco)
    #expect(TruthLoader.format(of: "pkg/datapackage.json") == .camtrapDP)
    #expect(TruthLoader.format(of: "pkg/observations.csv") == .camtrapDP)
  }

  @Test func coco() throws {
    let truth = try TruthLoader.read(path: Fixture.path("truth/coco.json"))
    let img1 = try #require(truth.images["siteA/cam1/img1.jpg"])
    // "People" → person; pixel boxes divided by 1000×800.
    #expect(img1.classes == [.person] && img1.boxesComplete)
    #expect(
      img1.boxes == [
        TruthBox(.person, bbox: [0.1, 0.1, 0.2, 0.2]),
        TruthBox(.person, bbox: [0.6, 0.6, 0.2, 0.2]),
      ])
    // "truck" → vehicle with a box; "Red deer" → animal without one: not box-complete.
    let img2 = try #require(truth.images["siteA/cam1/img2.jpg"])
    #expect(img2.classes == [.vehicle, .animal] && !img2.boxesComplete)
    #expect(img2.boxes == [TruthBox(.vehicle, bbox: [0, 0, 0.5, 0.5])])
    // An "empty" annotation and an image without annotations are both empty.
    #expect(truth.images["siteA/cam2/img3.jpg"]?.classes == [])
    #expect(
      truth.images["siteA/cam2/img4.jpg"]?.classes == []
        && truth.images["siteA/cam2/img4.jpg"]?.boxesComplete == true)
  }

  @Test func camtrapDP() throws {
    let truth = try TruthLoader.read(path: Fixture.path("truth/observations.csv"))
    #expect(
      truth.images["siteA/cam1/img1.jpg"]?.boxes == [TruthBox(.person, bbox: [0.1, 0.1, 0.2, 0.2])])
    #expect(truth.images["siteA/cam1/img2.jpg"]?.classes == [.vehicle])
    #expect(truth.images["siteA/cam1/img2.jpg"]?.boxesComplete == false)
    #expect(truth.images["siteA/cam2/img3.jpg"]?.classes == [])
    // The event 05:50–06:10 UTC is 08:50–09:10 at +03:00: it covers m4 (09:00) only.
    #expect(truth.images["siteA/cam2/img4.jpg"]?.classes == [.animal])
    // m5 is only "unknown": it says nothing, so it is left out.
    #expect(truth.images["siteA/cam2/img5.jpg"] == nil)
    #expect(truth.images.count == 4)
  }

  @Test func exportedPackageReadsBackAsTruth() throws {
    // A run scored against its own Camtrap DP export is right at the thresholds it was
    // exported with (image level), for every exported image.
    let folder = try Fixture.scratchFolder("roundtrip")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try CamtrapDPExport(
      detections: Fixture.path("eval/detections.json"),
      deploymentsPath: Fixture.path("eval/deployments.csv"), outputFolder: folder,
      contributor: "t"
    ).run()
    let truth = try TruthLoader.read(path: folder + "/datapackage.json")
    #expect(truth.images.count == 7)
    let run = try DetectionRun.read(path: Fixture.path("eval/detections.json"))
    let t = ClassThresholds.resolve(overrides: [:], config: nil, recorded: run.recordedThresholds)
    let r = Evaluator(truth: truth).evaluate([(run, t)]).runs[0]
    #expect(r.imagesEvaluated == 7)
    for c in r.classes {
      #expect(c.image.atThreshold.falsePositives == 0 && c.image.atThreshold.falseNegatives == 0)
      #expect(c.box?.atThreshold.falseNegatives == 0)
    }
  }

  @Test func csvErrorsNameTheLine() throws {
    func parse(_ text: String) throws -> GroundTruth {
      try TruthCSV.parse(Array(text.utf8), path: "t.csv")
    }
    #expect(
      throws: ResearchError.truth(
        path: "t.csv", line: 3, reason: "box value \"wide\" is not a number")
    ) {
      try parse("file,label,x,y,w,h\na.jpg,person,0,0,0.1,0.1\nb.jpg,person,0,0,wide,0.1\n")
    }
    #expect(throws: ResearchError.self) {
      try parse("file,label,x,y,w,h\na.jpg,person,0.5,0,0.6,0.1\n")
    }
    #expect(
      throws: ResearchError.truth(
        path: "t.csv", line: 2,
        reason: "a row with a box needs exactly one class, not \"person+vehicle\"")
    ) {
      try parse("file,label,x,y,w,h\na.jpg,person+vehicle,0,0,0.1,0.1\n")
    }
    #expect(throws: ResearchError.truth(path: "t.csv", line: 1, reason: "no \"label\" column")) {
      try parse("file,what\na.jpg,x\n")
    }
    let truth = try parse("file,label\n./a\\b.jpg, Person ;car\nc.jpg,Empty\n")
    #expect(truth.images["a/b.jpg"]?.classes == [.person, .vehicle])
    #expect(truth.images["c.jpg"]?.classes == [])
  }

  @Test func pathsPairBySuffix() throws {
    let truthCSV = "file,label\nimages/siteA/cam1/img1.jpg,person\n"
    let truth = try TruthCSV.parse(Array(truthCSV.utf8), path: "t.csv")
    let run = try DetectionRun.read(path: Fixture.path("eval/detections.json"))
    let r = Evaluator(truth: truth).evaluate([
      (run, .resolve(overrides: [:], config: nil, recorded: run.recordedThresholds))
    ]).runs[0]
    #expect(
      r.imagesEvaluated == 1 && r.evaluation(of: .person)?.image.atThreshold.truePositives == 1)
  }
}
