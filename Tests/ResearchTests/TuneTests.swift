import Foundation
import Formats
import LookoutCore
import Testing

@testable import Research

/// Person on Fixtures/eval (8 images), by hand: thresholds 0.9, 0.6, 0.55, 0.35 give
/// TP 1, 2, 2, 3 and FP 0, 0, 1, 1 of 3 positives: recall 1/3, 2/3, 2/3, 1; precision
/// 1, 1, 2/3, 3/4; F1 0.5, 0.8, 0.667, 0.857.
@Suite struct TuneTests {
  func personSweep() throws -> ScoreSweep {
    let truth = try TruthLoader.read(paths: [Fixture.path("eval/truth.csv")])
    let run = try DetectionRun.read(path: Fixture.path("eval/detections.json"))
    let t = ClassThresholds.resolve(overrides: [:], config: nil, recorded: run.recordedThresholds)
    return Evaluator(truth: truth).evaluate([(run, t)]).runs[0].evaluation(of: .person)!.image.sweep
  }

  @Test func goalsParse() {
    #expect(ThresholdGoal("recall=0.9") == .recall(0.9))
    #expect(ThresholdGoal("precision=0.95") == .precision(0.95))
    #expect(ThresholdGoal("F1") == .bestF1)
    #expect(ThresholdGoal("recall=1.5") == nil && ThresholdGoal("speed=1") == nil)
  }

  @Test func choosesForEachGoal() throws {
    let sweep = try personSweep()
    let r90 = try #require(ThresholdTuner.choose(sweep, goal: .recall(0.9)))
    #expect(r90.threshold == 0.35 && r90.goalMet && close(r90.point.precision, 0.75))
    #expect(close(r90.point.perThousandImages, 500))  // 4 of 8 images flagged
    #expect(ThresholdTuner.choose(sweep, goal: .recall(0.5))?.threshold == 0.6)
    #expect(ThresholdTuner.choose(sweep, goal: .precision(0.9))?.threshold == 0.6)
    #expect(ThresholdTuner.choose(sweep, goal: .precision(0.7))?.threshold == 0.35)
    let f1 = try #require(ThresholdTuner.choose(sweep, goal: .bestF1))
    #expect(f1.threshold == 0.35 && close(f1.point.f1, 6.0 / 7))
    let unreachable = try #require(ThresholdTuner.choose(sweep, goal: .precision(1.01)))
    #expect(!unreachable.goalMet && unreachable.threshold == 0.6)  // best precision, most found
    #expect(
      ThresholdTuner.choose(ScoreSweep(items: [], positives: 0, images: 3), goal: .bestF1) == nil)
  }

  @Test func tradeOffTable() throws {
    let table = TradeOffTable(sweep: try personSweep(), thresholds: [0.5, 0.95], extra: [0.35])
    #expect(table.rows.map(\.threshold) == [0.95, 0.5, 0.35])
    #expect(
      table.text(marked: [0.35]) == """
        threshold  recall  precision     F1  per 1,000 images
            0.950    0.000          –  0.000               0.0
            0.500    0.667      0.667  0.667             375.0
            0.350*   1.000      0.750  0.857             500.0
        """)
  }

  @Test func writesConfigKeepingOtherMembers() throws {
    let dir = try Fixture.scratchFolder("tune")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let config = dir + "/lookout.json"
    try #"{"notify": {"email": "ranger@example.org"}, "thresholds": {"person": 0.5}, "jobs": 2}"#
      .write(toFile: config, atomically: true, encoding: .utf8)
    let job = TuneJob(
      detections: Fixture.path("eval/detections.json"), truth: [Fixture.path("eval/truth.csv")],
      goal: .recall(0.9), classes: [.person, .vehicle], configPath: config, force: true)
    let result = try job.run()
    // vehicle: 0.7 (T), 0.65 (F), 0.5 (T) of 2: recall 0.9 needs 0.5.
    #expect(result.settings.classes == ["person": 0.35, "vehicle": 0.5])
    #expect(
      try String(contentsOfFile: config, encoding: .utf8) == """
        {
          "notify": {
            "email": "ranger@example.org"
          },
          "thresholds": {
            "person": 0.35,
            "vehicle": 0.5
          },
          "jobs": 2
        }

        """)
    // Alerts before: 4 of 8 (500 per 1,000). After: img1, img2, img5, img6, img7, img8 = 750;
    // every image that should alert does (recall 1), img6 is false (precision 5/6).
    #expect(close(result.alertsBefore.perThousandImages, 500))
    #expect(close(result.alertsAfter.perThousandImages, 750))
    #expect(close(result.alertsAfter.recall, 1) && close(result.alertsAfter.precision, 5.0 / 6))
    let text = TuneJob.text(result)
    #expect(
      text.contains(
        "chosen 0.350 (was 0.500): recall 1.000, precision 0.750, 500.0 per 1,000 images"))
  }

  @Test func writesThroughALinkedConfigKeepingItsMode() throws {
    let dir = try Fixture.scratchFolder("tune-link")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FileManager.default.createDirectory(atPath: dir + "/etc", withIntermediateDirectories: true)
    let real = dir + "/etc/lookout.json"
    try #"{"thresholds": {"person": 0.5}}"#.write(toFile: real, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: real)
    let link = dir + "/lookout.json"
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "etc/lookout.json")
    let before = try FileManager.default.attributesOfItem(atPath: real)
    _ = try TuneJob(
      detections: Fixture.path("eval/detections.json"), truth: [Fixture.path("eval/truth.csv")],
      goal: .recall(0.9), classes: [.person], configPath: link, force: true
    ).run()
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "etc/lookout.json")
    #expect(try String(contentsOfFile: real, encoding: .utf8).contains("0.35"))
    let after = try FileManager.default.attributesOfItem(atPath: real)
    #expect(after[.posixPermissions] as? Int == 0o640)
    #expect(after[.ownerAccountID] as? Int == before[.ownerAccountID] as? Int)
    #expect(after[.groupOwnerAccountID] as? Int == before[.groupOwnerAccountID] as? Int)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["etc", "lookout.json"])
  }

  @Test func perSiteThresholds() throws {
    let job = TuneJob(
      detections: Fixture.path("eval/detections.json"), truth: [Fixture.path("eval/truth.csv")],
      goal: .recall(0.9), classes: [.person], perSite: true, minimumSitePositives: 1)
    let result = try job.run()
    // siteA: person only in img1 (0.9); siteB: img7 0.6 and img5 0.35.
    #expect(result.settings.sites == ["siteA": ["person": 0.9], "siteB": ["person": 0.35]])
    #expect(result.choices.map(\.site) == [nil, "siteA", "siteB"])
  }

  @Test func animalGoalNotReached() throws {
    let job = TuneJob(
      detections: Fixture.path("eval/detections.json"), truth: [Fixture.path("eval/truth.csv")],
      goal: .recall(1), classes: [.animal])
    let choice = try #require(try job.run().choices.first?.tuned)
    // img7's animal is never detected: recall stays 1/2, at the lowest threshold 0.45.
    #expect(!choice.goalMet && choice.threshold == 0.45 && close(choice.point.recall, 0.5))
  }
}
