import Foundation
import Formats
import Testing

@testable import Research

/// `tune` says how many truth images each choice rests on and how sure its recall is, and will
/// not write thresholds from fewer than ``TuneJob/defaultMinimumPositives`` unless forced.
@Suite struct TuneSampleSizeTests {
  @Test func wilsonIntervals() throws {
    func bounds(_ found: Int, _ positives: Int) throws -> (Double, Double) {
      let interval = try #require(RecallInterval(found: found, positives: positives))
      return (interval.lower, interval.upper)
    }
    // Checked against the closed form by hand (p = 1: lower = n / (n + z²)).
    let all = try bounds(14, 14)
    #expect(close(all.0, 14 / (14 + 1.959963984540054 * 1.959963984540054)) && close(all.1, 1))
    let most = try bounds(13, 14)
    #expect(abs(most.0 - 0.68531) < 1e-5 && abs(most.1 - 0.98728) < 1e-5)
    let many = try bounds(95, 100)
    #expect(abs(many.0 - 0.88825) < 1e-5 && abs(many.1 - 0.97846) < 1e-5)
    let none = try bounds(0, 5)
    #expect(none.0 == 0 && abs(none.1 - 0.43448) < 1e-5)
    #expect(RecallInterval(found: 1, positives: 0) == nil)
    #expect(RecallInterval(found: 3, positives: 2) == nil)
  }

  @Test func refusesToWriteFromTooFewImagesAndSaysWhy() throws {
    let dir = try Fixture.scratchFolder("tune-few")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let config = dir + "/lookout.json"
    let before = #"{"thresholds": {"person": 0.5}}"#
    try before.write(toFile: config, atomically: true, encoding: .utf8)
    func job(force: Bool) -> TuneJob {
      TuneJob(
        detections: Fixture.path("eval/detections.json"), truth: [Fixture.path("eval/truth.csv")],
        goal: .recall(0.9), classes: [.person, .vehicle], configPath: config, force: force)
    }
    // person: 3 truth images, all found at 0.35; vehicle: 2, both found at 0.5.
    #expect(
      throws: ResearchError.tooFewPositives(
        reason: "too few labelled images to write thresholds: person from 3 images (recall 1.000, "
          + "95% interval 0.439-1.000), vehicle from 2 images (recall 1.000, 95% interval 0.342-1.000); "
          + "at least 30 images of a class are needed (label more, or pass --force); "
          + "nothing was written to \(config)")
    ) {
      _ = try job(force: false).run()
    }
    #expect(try String(contentsOfFile: config, encoding: .utf8) == before)

    let forced = try job(force: true).run()
    #expect(forced.settings.classes == ["person": 0.35, "vehicle": 0.5])
    #expect(try String(contentsOfFile: config, encoding: .utf8).contains("\"person\": 0.35"))
    let person = try #require(forced.choices.first { $0.detectionClass == .person })
    #expect(person.positives == 3)
    let text = TuneJob.text(forced)
    #expect(text.contains("person (8 images, 3 with the class), goal recall >= 0.900:"), "\(text)")
    #expect(
      text.contains("sample: 3 truth images of the class; recall 1.000, 95% interval 0.439-1.000 (Wilson)"),
      "\(text)")
  }

  @Test func aDryRunPrintsWithoutRefusing() throws {
    let result = try TuneJob(
      detections: Fixture.path("eval/detections.json"), truth: [Fixture.path("eval/truth.csv")],
      goal: .recall(0.9), classes: [.person]
    ).run()
    #expect(result.settings.classes == ["person": 0.35])
  }
}
