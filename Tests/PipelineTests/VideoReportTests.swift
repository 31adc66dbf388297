import Foundation
import Formats
import ImageIO
import LookoutCore
import Research
import Testing

@testable import Pipeline

/// `lookout report` on a card with a clip: the clip is shown by the frame of its best
/// detection, extracted beside the page, with that frame's boxes only.
@Suite struct VideoReportTests {
  @Test func theReviewPageShowsAClipByItsBestFrame() throws {
    let folder = try TemporaryFolder("video-report")
    defer { folder.remove() }
    let card = folder.sub("card")
    // Grey until frame 20, then the person: the best detection is at frame 20.
    try TestClips.writePersonClip(card + "/DCIM/MVI_0001.AVI")
    try copySamples([Repository.thermalSamples[0]], into: card)
    let output = folder.sub("out")
    _ = try scanInProcess(card: card, output: output)

    let report = folder.sub("report")
    var failures: [ClipFrameError] = []
    let count = try ReviewJob(detections: output, imagesFolder: card, outputFolder: report)
      .run { failures.append($0) }
    #expect(count == 2)
    #expect(failures.isEmpty, "\(failures)")

    // The frame is a JPEG of the clip's frame 20 (the person, not the grey frames before it).
    let frameFile = report + "/frames/clip-0-frame-20.jpg"
    let items = try ReviewPage.items(
      run: DetectionRun.read(path: output + "/detections.json"),
      thresholds: ClassThresholds(classes: ["person": 0.3]), minimumConfidence: 0.1)
    #expect(items.map(\.frameNumber).contains(20))
    let decoded = try ImageDecoder.decode(fileAt: frameFile)
    #expect(decoded.image.width == 640 && decoded.image.height == 512)
    let grey = decoded.image.pixels.allSatisfy { abs(Int($0) - 40) <= 8 }
    #expect(!grey, "frame 20 shows the person, not a grey frame")

    // The page's row for the clip points at the frame and names it; the photo's row is as
    // before (nine members).
    let page = String(decoding: readBytes(report + "/report.html"), as: UTF8.self)
    #expect(page.contains("\"frames/clip-0-frame-20.jpg\",20]"))
    let clipRowStart = try #require(page.range(of: "[\"DCIM/MVI_0001.AVI\""))
    let clipRow = page[clipRowStart.lowerBound...].prefix { $0 != "\n" }
    #expect(clipRow.contains("frames/clip-0-frame-20.jpg"))
    // Every box drawn for the clip is one of frame 20's detections.
    let run = try DetectionRun.read(path: output + "/detections.json")
    let clip = try #require(run.results.images.first { $0.file == "DCIM/MVI_0001.AVI" })
    let frame20 = (clip.detections ?? []).filter { $0.frameNumber == 20 }.count
    let shown = try #require(items.first { $0.file == "DCIM/MVI_0001.AVI" })
    #expect(shown.detections.count <= frame20 && !shown.detections.isEmpty)
  }

  @Test func aClipThatIsGoneIsListedWithoutAPicture() throws {
    let folder = try TemporaryFolder("video-report-gone")
    defer { folder.remove() }
    let card = folder.sub("card")
    try TestClips.writePersonClip(card + "/MVI_0002.AVI")
    let output = folder.sub("out")
    _ = try scanInProcess(card: card, output: output)
    try FileManager.default.removeItem(atPath: card + "/MVI_0002.AVI")

    var failures: [ClipFrameError] = []
    let count = try ReviewJob(
      detections: output, imagesFolder: card, outputFolder: folder.sub("report")
    ).run { failures.append($0) }
    #expect(count == 1)
    #expect(failures.map(\.clip) == [card + "/MVI_0002.AVI"])
    #expect(failures.first?.description.contains("no frame for the review page") == true)
    let page = String(decoding: readBytes(folder.sub("report") + "/report.html"), as: UTF8.self)
    #expect(page.contains("null,20]"))
  }
}
