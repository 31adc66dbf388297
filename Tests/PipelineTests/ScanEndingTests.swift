import Foundation
import Formats
import Testing

@testable import Pipeline

/// How `lookout scan` ends, as cron and a ranger see it: a card without images is not a clean
/// run (exit 3), files that are not images are accounted for by kind, and failed images are
/// named on the terminal.
@Suite(.enabled(if: Repository.lookoutExecutable != nil, "needs the built lookout executable"))
struct ScanEndingTests {
  @Test func anEmptyCardExitsThreeAndSaysSoEvenWhenQuiet() throws {
    let folder = try TemporaryFolder("scan-empty")
    defer { folder.remove() }
    try FileManager.default.createDirectory(
      atPath: folder.sub("card/DCIM"), withIntermediateDirectories: true)
    let ending = try LookoutProcess.run(
      ["scan", folder.sub("card"), "--out", folder.sub("out"), "--quiet"],
      outputPath: folder.sub("scan.log"))
    #expect(ending.status == 3, "\(ending)")
    #expect(ending.output.contains("no image found in \(folder.sub("card"))"), "\(ending)")
    // The outputs are still written: an empty but valid run.
    #expect(FileManager.default.fileExists(atPath: folder.sub("out/summary.json")))
  }

  @Test func aCardWithOnlyOtherFilesCountsThemAndExitsThree() throws {
    let folder = try TemporaryFolder("scan-skipped-only")
    defer { folder.remove() }
    let card = folder.sub("card")
    for name in [
      "DCIM/IMG_0001.CR2", "DCIM/IMG_0001.THM", "DCIM/README.txt", "DCIM/._IMG_0003.JPG",
      "DCIM/Thumbs.db", "DCIM/.DS_Store", "DCIM/._MVI_0002.MP4",
    ] {
      try writeFile(card + "/" + name, Array("x".utf8))
    }
    let ending = try LookoutProcess.run(
      ["scan", card, "--out", folder.sub("out")], outputPath: folder.sub("scan.log"))
    #expect(ending.status == 3, "\(ending)")
    #expect(ending.output.contains("no image found"), "\(ending)")
    #expect(
      ending.output.contains("3 files not scanned: 1 RAW photo, 1 text file, 1 thumbnail"),
      "\(ending)")
    let summary = try JSONParser.parse(readBytes(folder.sub("out/summary.json")))
    let skipped = try #require(summary["skipped"], "\(summary)")
    #expect(skipped["total"] == .integer(3))
    #expect(
      skipped["by_kind"]
        == .object([
          ("raw_photo", .integer(1)), ("text", .integer(1)), ("thumbnail", .integer(1)),
        ]))
    #expect(
      skipped["files"]?.arrayValue?.map { $0["path"]?.stringValue ?? "" }
        == ["DCIM/IMG_0001.CR2", "DCIM/IMG_0001.THM", "DCIM/README.txt"])
  }

  /// Clips are scanned, not skipped: broken ones fail with their reason like bad photos.
  @Test func brokenClipsFailWithTheirReasonAndAreNotSkipped() throws {
    let folder = try TemporaryFolder("scan-broken-clips")
    defer { folder.remove() }
    let card = folder.sub("card")
    try copySamples([Repository.thermalSamples[0]], into: card)
    try writeFile(card + "/DCIM/MVI_0002.MP4", Array("not a video\n".utf8))
    try writeFile(card + "/DCIM/clip.avi", [])
    let ending = try LookoutProcess.run(
      ["scan", card, "--out", folder.sub("out")], outputPath: folder.sub("scan.log"))
    #expect(ending.status == 0, "\(ending)")
    #expect(!ending.output.contains("not scanned"), "\(ending)")
    // The clips are counted as clips, not as images.
    #expect(ending.output.contains("Scanned 1 image and 2 clips in "), "\(ending)")
    #expect(ending.output.contains("  DCIM/MVI_0002.MP4: not a readable video: "), "\(ending)")
    #expect(ending.output.contains("  DCIM/clip.avi: file is empty (0 bytes)"), "\(ending)")
    let summary = try JSONParser.parse(readBytes(folder.sub("out/summary.json")))
    #expect(summary["skipped"] == nil || summary["skipped"]?["total"] == .integer(0))
    // `rethreshold` counts them the same way.
    let again = try LookoutProcess.run(
      ["rethreshold", folder.sub("out"), "--threshold", "person=0.99"],
      outputPath: folder.sub("rethreshold.log"))
    #expect(again.status == 0, "\(again)")
    #expect(again.output.contains("(1 image and 2 clips)"), "\(again)")
  }

  @Test func failedImagesAreNamedAtTheEnd() throws {
    let folder = try TemporaryFolder("scan-failures-named")
    defer { folder.remove() }
    let card = folder.sub("card")
    try copySamples([Repository.thermalSamples[0]], into: card)
    let jpeg = try Repository.sampleBytes(Repository.thermalSamples[0])
    for index in 1...7 {
      try writeFile(card + "/broken/cut\(index).jpg", Array(jpeg.prefix(jpeg.count / 2)))
    }
    let ending = try LookoutProcess.run(
      ["scan", card, "--out", folder.sub("out")], outputPath: folder.sub("scan.log"))
    #expect(ending.status == 0, "\(ending)")
    for index in 1...5 {
      #expect(ending.output.contains("  broken/cut\(index).jpg: truncated"), "\(ending)")
    }
    #expect(!ending.output.contains("broken/cut6.jpg"), "\(ending)")
    #expect(ending.output.contains("and 2 more"), "\(ending)")
    #expect(ending.output.contains("detections.json"), "\(ending)")
  }
}
