import Formats
import LookoutCore
import Testing

@testable import Research

/// The numbers below are worked out by hand from Fixtures/eval (truth.csv, detections.json,
/// megadetector.json); the comments show the working.
@Suite struct EvaluatorTests {
  func lookoutReport(config: ClassThresholds? = nil) throws -> RunEvaluation {
    let truth = try TruthLoader.read(paths: [Fixture.path("eval/truth.csv")])
    let run = try DetectionRun.read(path: Fixture.path("eval/detections.json"), name: "lookout")
    let thresholds = ClassThresholds.resolve(
      overrides: [:], config: config, recorded: run.recordedThresholds)
    return Evaluator(truth: truth).evaluate([(run, thresholds)]).runs[0]
  }

  @Test func imageCounts() throws {
    let r = try lookoutReport()
    // img1…img8 scored; img9 unlabelled; img10 failed; only-in-truth.jpg missing.
    #expect(r.imagesEvaluated == 8)
    #expect(r.imagesUnlabelled == 1 && r.imagesFailed == 1 && r.imagesMissing == 1)
    // img7 has image-level labels only, so 7 images are scored box by box.
    #expect(r.boxImagesEvaluated == 7)
    #expect(r.thresholds.threshold(.person) == 0.5 && r.thresholds.threshold(.vehicle) == 0.6)
  }

  @Test func personImageLevel() throws {
    let person = try #require(try lookoutReport().evaluation(of: .person)).image
    // Positives img1, img5, img7. Scores: img1 0.9 (T), img7 0.6 (T), img2 0.55 (F),
    // img5 0.35 (T). At 0.5: TP 2 (img1, img7), FP 1 (img2), FN 1 (img5).
    let p = person.atThreshold
    #expect(p.truePositives == 2 && p.falsePositives == 1 && p.falseNegatives == 1)
    #expect(close(p.precision, 2.0 / 3) && close(p.recall, 2.0 / 3) && close(p.f1, 2.0 / 3))
    #expect(close(p.perThousandImages, 375))  // 3 flagged of 8
    #expect(person.sweep.scores == [0.9, 0.6, 0.55, 0.35])
    let curve = person.sweep.curve
    #expect(curve.map(\.truePositives) == [1, 2, 2, 3])
    #expect(curve.map(\.falsePositives) == [0, 0, 1, 1])
    #expect(close(curve[3].precision, 0.75) && close(curve[3].recall, 1))
    // Envelope precision 1, 1, 0.75, 0.75 at recall 1/3, 2/3, 2/3, 1: AP = 1/3 + 1/3 + 0.75/3.
    #expect(close(person.averagePrecision, 11.0 / 12))
  }

  @Test func vehicleAndAnimalImageLevel() throws {
    let r = try lookoutReport()
    let vehicle = try #require(r.evaluation(of: .vehicle)).image
    // Positives img2, img8. img2 0.7 (T), img6 0.65 (F), img8 0.5 (T, below 0.6).
    #expect(vehicle.atThreshold.truePositives == 1 && vehicle.atThreshold.falsePositives == 1)
    #expect(close(vehicle.atThreshold.precision, 0.5) && close(vehicle.atThreshold.recall, 0.5))
    // Envelope precision 1, 2/3, 2/3 at recall 1/2, 1/2, 1: AP = 1/2 + 1/2 · 2/3.
    #expect(close(vehicle.averagePrecision, 5.0 / 6))
    let animal = try #require(r.evaluation(of: .animal)).image
    // Positives img4, img7. img4 0.8 (T), img3 0.45 (F); img7 has no animal detection.
    #expect(animal.positives == 2)
    #expect(close(animal.atThreshold.precision, 0.5) && close(animal.atThreshold.recall, 0.5))
    #expect(close(animal.averagePrecision, 0.5))
  }

  @Test func alertsAndMistakes() throws {
    let r = try lookoutReport()
    // Alerts: img1, img2, img6, img7 (4 of 8 = 500 per 1,000). Should: img1, img2, img5, img7,
    // img8. TP 3, FP 1 (img6), FN 2 (img5, img8).
    #expect(r.alerts.truePositives == 3 && r.alerts.falsePositives == 1)
    #expect(r.alerts.falseNegatives == 2)
    #expect(close(r.alerts.perThousandImages, 500))
    #expect(close(r.alerts.precision, 0.75) && close(r.alerts.recall, 0.6))
    #expect(close(r.alerts.f1, 2.0 / 3))
    #expect(
      r.misses.map(\.file) == ["siteB/cam1/img7.jpg", "siteB/cam1/img5.jpg", "siteB/cam1/img8.jpg"])
    #expect(r.misses.map(\.detectionClass) == [.animal, .person, .vehicle])
    #expect(r.misses.map(\.score) == [0, 0.35, 0.5])
    #expect(
      r.falsePositives.map(\.file) == [
        "siteA/cam2/img3.jpg", "siteA/cam1/img2.jpg", "siteB/cam1/img6.jpg",
      ])
  }

  @Test func boxLevel() throws {
    let r = try lookoutReport()
    let person = try #require(r.evaluation(of: .person)?.box)
    // Truth boxes: 2 in img1, 1 in img5 (img7 is not boxed). Detections by confidence:
    // 0.9 img1 IoU 1 (T), 0.55 img2 (F), 0.4 img1 IoU 0.818 with the second box (T),
    // 0.35 img5 IoU 1 (T), 0.3 img1 duplicate, both boxes taken (F).
    #expect(person.positives == 3)
    #expect(person.sweep.curve.map(\.truePositives) == [1, 1, 2, 3, 3])
    #expect(person.sweep.curve.map(\.falsePositives) == [0, 1, 1, 1, 2])
    #expect(person.atThreshold.truePositives == 1 && person.atThreshold.falsePositives == 1)
    #expect(close(person.atThreshold.recall, 1.0 / 3) && close(person.atThreshold.f1, 0.4))
    // Envelope precision 1, 3/4, 3/4, 3/4, 3/5 at recall 1/3, 1/3, 2/3, 1, 1.
    #expect(close(person.averagePrecision, 1.0 / 3 + 0.75 * 2 / 3))
    let vehicle = try #require(r.evaluation(of: .vehicle)?.box)
    #expect(vehicle.positives == 2 && close(vehicle.averagePrecision, 5.0 / 6))
    let animal = try #require(r.evaluation(of: .animal)?.box)
    // One truth box (img4); 0.8 IoU 0.75 (T), 0.45 img3 (F). At 0.4: P 1/2, R 1.
    #expect(animal.positives == 1 && close(animal.averagePrecision, 1))
    #expect(close(animal.atThreshold.precision, 0.5) && close(animal.atThreshold.recall, 1))
  }

  @Test func perSiteThresholds() throws {
    let r = try lookoutReport(
      config: ClassThresholds(classes: [:], sites: ["siteB": ["person": 0.3]]))
    // img5 (siteB, person 0.35) now reaches its site's 0.3: person TP 3, FP 1, FN 0.
    let p = try #require(r.evaluation(of: .person)).image.atThreshold
    #expect(p.truePositives == 3 && p.falsePositives == 1 && p.falseNegatives == 0)
    #expect(r.alerts.truePositives == 4)
  }

  @Test func comparesOnCommonImages() throws {
    let truth = try TruthLoader.read(paths: [Fixture.path("eval/truth.csv")])
    let a = try DetectionRun.read(path: Fixture.path("eval/detections.json"), name: "lookout")
    let b = try DetectionRun.read(path: Fixture.path("eval/megadetector.json"), name: "md")
    #expect(b.recordedThresholds["person"] == 0.2)
    let report = Evaluator(truth: truth).evaluate([
      (a, .resolve(overrides: [:], config: nil, recorded: a.recordedThresholds)),
      (b, .resolve(overrides: [:], config: nil, recorded: b.recordedThresholds)),
    ])
    // img8 is missing from md and img10 failed in lookout: img1…img7 are scored for both.
    #expect(report.runs.map(\.imagesEvaluated) == [7, 7])
    let md = report.runs[1]
    // md at 0.2: person img1 0.95, img5 0.7, img7 0.3, all right; animal img7 0.6 (T),
    // img4 0.1 below; alerts img1, img2, img5, img7 = 4 of 7, all right.
    #expect(md.evaluation(of: .person)!.image.atThreshold.truePositives == 3)
    #expect(close(md.evaluation(of: .person)!.image.atThreshold.precision, 1))
    #expect(close(md.evaluation(of: .animal)!.image.atThreshold.recall, 0.5))
    #expect(md.alerts.truePositives == 4 && md.alerts.falsePositives == 0)
    #expect(close(md.alerts.perThousandImages, 4000.0 / 7))
    // lookout on the same 7: vehicle img2 (T) and img6 (F) flagged, img8 not scored.
    let v = report.runs[0].evaluation(of: .vehicle)!.image.atThreshold
    #expect(close(v.precision, 0.5) && close(v.recall, 1))
  }

  @Test func overridesWin() {
    let t = ClassThresholds.resolve(
      overrides: ["person": 0.9],
      config: ClassThresholds(classes: ["person": 0.1, "vehicle": 0.2]),
      recorded: ["vehicle": 0.3, "animal": 0.4])
    #expect(
      t.threshold(.person) == 0.9 && t.threshold(.vehicle) == 0.2 && t.threshold(.animal) == 0.4)
  }
}
