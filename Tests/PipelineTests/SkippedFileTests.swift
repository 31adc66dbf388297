import Foundation
import Formats
import LookoutCore
import Testing

@testable import Pipeline

/// Every file on a card is accounted for: files that are not images are listed with their kind,
/// hidden and system files stay ignored, and merged shards list them as one scan would.
struct SkippedFileTests {
  @Test func kindsFromTheExtensionInAnyCase() {
    let kinds: [String: SkippedFile.Kind] = [
      "IMG_0001.CR2": .rawPhoto, "img.nef": .rawPhoto, "DSC.DNG": .rawPhoto, "a.ARW": .rawPhoto,
      "IMG_0001.THM": .thumbnail, "MVI.MP4": .video, "clip.AVI": .video, "x.mov": .video,
      "REC.WAV": .audio, "notes.txt": .text, "scan.TIF": .otherImage, "blob": .other,
      "archive.zip": .other, "noext.": .other,
    ]
    for (name, kind) in kinds { #expect(SkippedFile.Kind(fileName: name) == kind, "\(name)") }
  }

  @Test func countLineNamesTheKindsMostFirst() {
    func files(_ names: [String]) -> [SkippedFile] {
      names.map { SkippedFile(relativePath: $0, kind: SkippedFile.Kind(fileName: $0)) }
    }
    #expect(SkippedFile.countLine([]) == nil)
    #expect(
      SkippedFile.countLine(files(["a.CR2", "a.THM"]))
        == "2 files not scanned: 1 RAW photo, 1 thumbnail")
    #expect(
      SkippedFile.countLine(files(["a.mp4"])) == "1 file not scanned: 1 video")
    #expect(
      SkippedFile.countLine(files(["a.mp4", "b.MOV", "c.wav", "d.bin", "e.bin", "f.heic"]))
        == "6 files not scanned: 2 other files, 2 videos, 1 audio file, 1 image in another format")
  }

  @Test func theWalkListsOtherFilesAndIgnoresHiddenAndSystemOnes() throws {
    let folder = try TemporaryFolder("skipped-walk")
    defer { folder.remove() }
    let card = folder.sub("card")
    for name in [
      "DCIM/100/IMG_0001.JPG", "DCIM/100/IMG_0001.CR2", "DCIM/100/IMG_0001.THM",
      "DCIM/100/MVI_0002.MOV", "DCIM/100/._IMG_0001.JPG", "DCIM/.hidden/a.mp4",
      "DCIM/Thumbs.db", "desktop.ini", ".DS_Store", "MISC/readme.txt",
    ] {
      try writeFile(card + "/" + name, Array("x".utf8))
    }
    try FileManager.default.createDirectory(
      atPath: card + "/EMPTY", withIntermediateDirectories: true)
    let listing = try CardWalker().list(root: card)
    #expect(listing.files.map(\.relativePath) == ["DCIM/100/IMG_0001.JPG"])
    #expect(
      listing.skipped
        == [
          SkippedFile(relativePath: "DCIM/100/IMG_0001.CR2", kind: .rawPhoto),
          SkippedFile(relativePath: "DCIM/100/IMG_0001.THM", kind: .thumbnail),
          SkippedFile(relativePath: "DCIM/100/MVI_0002.MOV", kind: .video),
          SkippedFile(relativePath: "MISC/readme.txt", kind: .text),
        ])
    // walk(root:) is unchanged.
    #expect(try CardWalker().walk(root: card).files == listing.files)
  }

  /// Clips are scanned (one unit each: these one-byte ones fail as not videos), so only the RAW
  /// photo is skipped; shards split the clips like images and merge into the whole scan.
  @Test func shardsMergeIntoTheSameSkippedListAsOneScan() throws {
    let folder = try TemporaryFolder("skipped-merge")
    defer { folder.remove() }
    let card = folder.sub("card")
    try copySamples(Array(Repository.thermalSamples.prefix(3)), into: card)
    for index in 0..<6 { try writeFile(card + "/video/MVI_\(index).MP4", [0]) }
    try writeFile(card + "/raw/IMG_1.CR2", [0])
    let whole = folder.sub("whole")
    let report = try scanInProcess(card: card, output: whole)
    #expect(report.skipped.count == 1 && report.imagesFound == 9)
    #expect(report.failures == 6)
    let shards = try (0..<2).map { index in
      let output = folder.sub("shard-\(index)")
      try scanInProcess(card: card, output: output) { config in
        config.shard = ShardSelection(index: index, count: 2)
      }
      return output
    }
    let merged = folder.sub("merged")
    _ = try ShardMerger.merge(shardDirectories: shards, output: merged)
    #expect(
      try ScanFixtures.outputsEqual(URL(fileURLWithPath: whole), URL(fileURLWithPath: merged)))
    let summary = try JSONParser.parse(readBytes(merged + "/summary.json"))
    #expect(summary["skipped"]?["total"] == .integer(1))
    // Re-thresholding keeps the list too.
    _ = try FinishedScan.load(directory: whole).rethreshold(
      AlertThresholds(animal: 0.9, person: 0.9, vehicle: 0.9))
    let rethresholded = try JSONParser.parse(readBytes(whole + "/summary.json"))
    #expect(rethresholded["skipped"] == summary["skipped"])
  }
}
