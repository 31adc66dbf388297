import Formats
import LookoutCore
import Testing

@testable import Research

/// Video truth is scored at clip level: a clip's classes count like an image's labels, and its
/// boxes (which frame would they be in?) are not scored box by box.
@Suite struct ClipTruthTests {
  @Test func aClipIsScoredAtClipLevelOnly() throws {
    var truth = GroundTruth()
    truth.add(
      file: "cam/MVI_0001.MP4", classes: [.person],
      boxes: [TruthBox(.person, bbox: [0.7, 0.7, 0.1, 0.1])], boxesComplete: true)
    truth.add(
      file: "cam/IMG_0001.JPG", classes: [.person],
      boxes: [TruthBox(.person, bbox: [0.1, 0.1, 0.2, 0.2])], boxesComplete: true)
    var clip = ImageRecord(
      file: "cam/MVI_0001.MP4",
      detections: [
        DetectionRecord(.person, confidence: 0.9, bbox: [0.1, 0.1, 0.2, 0.2])
      ])
    clip.detections?[0].frameNumber = 30
    clip.frameRate = 30
    clip.framesProcessed = [0, 30]
    let photo = ImageRecord(
      file: "cam/IMG_0001.JPG",
      detections: [DetectionRecord(.person, confidence: 0.9, bbox: [0.1, 0.1, 0.2, 0.2])])
    let run = DetectionRun(
      name: "lookout", path: "detections.json",
      results: MegaDetectorResults(
        formatVersion: "1.6", info: RunInfo(),
        detectionCategories: [1: "animal", 2: "person", 3: "vehicle"], images: [clip, photo]))
    let thresholds = ClassThresholds.resolve(
      overrides: [:], config: nil, recorded: run.recordedThresholds)
    let report = Evaluator(truth: truth).evaluate([(run, thresholds)]).runs[0]
    #expect(report.imagesEvaluated == 2)
    // The clip has a person and the scan found one: right at clip level.
    let person = try #require(report.evaluation(of: .person))
    #expect(person.image.atThreshold.truePositives == 2)
    #expect(person.image.atThreshold.falseNegatives == 0)
    // Only the photo is scored box by box: the clip's box is no miss.
    #expect(report.boxImagesEvaluated == 1)
    #expect(person.box?.atThreshold.truePositives == 1)
    #expect(person.box?.atThreshold.falseNegatives == 0)
  }
}
