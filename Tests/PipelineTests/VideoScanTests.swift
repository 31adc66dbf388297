import Foundation
import Formats
import Testing

@testable import Pipeline

/// Clips on a card: sampled, run through the detector, best frame per class, written as
/// MegaDetector writes videos; broken clips fail with a reason and the run goes on; a clip is
/// one unit of resume.
@Suite struct VideoScanTests {
  static let personBox = [0.4391, 0.2129, 0.0172, 0.0449]

  /// summary.json's `images` and `clips` (nil when it has no `clips` member).
  static func summaryCounts(_ output: String) throws -> (images: Int?, clips: Int?) {
    let summary = try JSONParser.parse(readBytes(output + "/summary.json"))
    return (summary["images"]?.intValue, summary["clips"]?.intValue)
  }

  static func detections(_ output: String) throws -> [String: ImageRecord] {
    let results = try MegaDetectorOutput.decode(readBytes(output + "/detections.json"))
    return Dictionary(uniqueKeysWithValues: results.images.map { ($0.file, $0) })
  }

  /// A phone held upright stores sideways frames and a matrix that turns them: the people are
  /// found where they stand in the upright picture, and the clip's size is the upright one.
  /// Its capture time is the phone's local time with its offset, not the container's UTC.
  @Test func aClipFromAPhoneHeldUprightIsScannedUpright() throws {
    let folder = try TemporaryFolder("video-turned")
    defer { folder.remove() }
    let card = folder.sub("card")
    try TestClips.writeUprightPhoneClip(card + "/DCIM/VID_0001.MP4")
    let output = folder.sub("out")
    let report = try scanInProcess(card: card, output: output)
    #expect(report.failures == 0 && report.clips == 1)
    let clip = try #require(try Self.detections(output)["DCIM/VID_0001.MP4"])
    #expect(clip.width == 640 && clip.height == 512)
    let people = try #require(clip.detections).filter { $0.category == 2 && $0.confidence >= 0.3 }
    #expect(people.contains { ShippedModelTests.iou($0.bbox, Self.personBox) >= 0.4 }, "\(people)")
    #expect(clip.datetime == "2024:05:01 08:12:09")
    let alerts = try String(decoding: readBytes(output + "/alerts.jsonl"), as: UTF8.self)
      .split(separator: "\n").map { try JSONParser.parse(Array($0.utf8)) }
    #expect(alerts.count == 1)
    #expect(alerts.first?["captured_at"] == .string("2024-05-01T08:12:09+02:00"))
  }

  /// A phone's `com.apple.quicktime.creationdate`: its local time and offset, fractions of a
  /// second dropped; without an offset it is not taken (the container's UTC time is).
  @Test func aPhonesLocalCreationDateGivesTimeAndOffset() {
    let cases: [(String, String?, String?)] = [
      ("2024-05-01T08:12:09+0200", "2024-05-01T08:12:09", "+02:00"),
      ("2024-05-01T08:12:09.123-0530", "2024-05-01T08:12:09", "-05:30"),
      ("2024-05-01 08:12:09+02:00", "2024-05-01T08:12:09", "+02:00"),
      ("2024-05-01T08:12:09Z", "2024-05-01T08:12:09", "+00:00"),
      ("2024-05-01T08:12:09", nil, nil),
      ("2024-05-01T08:12:09+2500", nil, nil),
      ("1904-01-01T00:00:00+0000", nil, nil),
      ("yesterday", nil, nil),
    ]
    for (text, local, offset) in cases {
      let parsed = VideoScan.captureTime(localCreationTime: text)
      #expect(
        parsed?.local == local && parsed?.offset == offset,
        "\(text): \(String(describing: parsed))")
    }
  }

  @Test func aPersonInAClipIsFoundAtItsFrame() throws {
    let folder = try TemporaryFolder("video-person")
    defer { folder.remove() }
    let card = folder.sub("card")
    try TestClips.writePersonClip(card + "/DCIM/MVI_0001.AVI")
    try TestClips.writePersonClip(
      card + "/DCIM/MVI_0002.MP4", format: "mp4", codec: "mpeg4", seconds: 3, personFrom: 5,
      creationTime: "2024-09-14T06:15:00.000000Z")
    let output = folder.sub("out")
    let report = try scanInProcess(card: card, output: output)
    #expect(report.failures == 0)
    // The terminal counts the clips apart from the photos ("Scanned 0 images and 2 clips").
    #expect(report.images == 2 && report.clips == 2)
    // summary.json too: `images` counts every record, `clips` says how many are clips.
    let counts = try Self.summaryCounts(output)
    #expect(counts.images == 2 && counts.clips == 2)
    let byFile = try Self.detections(output)

    let avi = try #require(byFile["DCIM/MVI_0001.AVI"])
    #expect(avi.frameRate == 10)
    #expect(avi.framesProcessed == [0, 10, 20, 30])
    #expect(avi.width == 640 && avi.height == 512)
    let people = try #require(avi.detections).filter { $0.category == 2 && $0.confidence >= 0.3 }
    #expect(!people.isEmpty)
    // The best person frame is the first one showing them, and no person is in the grey ones.
    #expect(people.allSatisfy { $0.frameNumber == 20 }, "\(people)")
    #expect(people.contains { ShippedModelTests.iou($0.bbox, Self.personBox) >= 0.4 }, "\(people)")

    let mp4 = try #require(byFile["DCIM/MVI_0002.MP4"])
    #expect(mp4.framesProcessed == [0, 10, 20])
    #expect(mp4.datetime == "2024:09:14 06:15:00")
    let mp4People = try #require(mp4.detections).filter { $0.category == 2 && $0.confidence >= 0.3 }
    #expect(mp4People.contains { $0.frameNumber == 10 }, "\(mp4People)")
    #expect(mp4People.allSatisfy { $0.frameNumber == 10 }, "\(mp4People)")

    // The file as written: a video's members as MegaDetector's video tools write them, and an
    // image's entry without them.
    let text = String(decoding: readBytes(output + "/detections.json"), as: UTF8.self)
    #expect(text.contains("\"file\": \"DCIM/MVI_0001.AVI\",\n   \"frame_rate\": 10.0,\n   \"frames_processed\": ["))
    #expect(text.contains("\"frame_number\": 20"))

    // Each clip's alert names the clip, its best frame and its capture time (the MP4's
    // creation_time; the AVI has none, so its file time).
    let alerts = try String(decoding: readBytes(output + "/alerts.jsonl"), as: UTF8.self)
      .split(separator: "\n").map { try JSONParser.parse(Array($0.utf8)) }
    let aviAlert = try #require(alerts.first { $0["file"] == .string("DCIM/MVI_0001.AVI") })
    #expect(aviAlert["video_frame_number"] == .integer(20))
    #expect(aviAlert["video_offset_seconds"] == .number(2))
    #expect(aviAlert["best_label"] == .string("person"))
    let modified = try FileManager.default.attributesOfItem(atPath: card + "/DCIM/MVI_0001.AVI")[
      .modificationDate] as? Date
    #expect(
      aviAlert["captured_at"]?.stringValue
        == VideoScan.fileTime(
          nanoseconds: Int64((modified ?? Date()).timeIntervalSince1970) * 1_000_000_000))
    let mp4Alert = try #require(alerts.first { $0["file"] == .string("DCIM/MVI_0002.MP4") })
    #expect(mp4Alert["video_frame_number"] == .integer(10))
    #expect(mp4Alert["video_offset_seconds"] == .number(1))
    #expect(mp4Alert["captured_at"] == .string("2024-09-14T06:15:00+00:00"))
  }

  @Test func brokenClipsFailWithAReasonAndTheRunGoesOn() throws {
    let folder = try TemporaryFolder("video-broken")
    defer { folder.remove() }
    let card = folder.sub("card")
    try copySamples([Repository.thermalSamples[0]], into: card)
    try TestClips.writePersonClip(folder.sub("whole.avi"), seconds: 6)
    let whole = readBytes(folder.sub("whole.avi"))
    try writeFile(card + "/clips/cut.avi", Array(whole.prefix(whole.count * 2 / 5)))
    try writeFile(card + "/clips/notes.mp4", Array("battery 80%\n".utf8))
    try writeFile(card + "/clips/zero.mov", [])
    try TestClips.audioOnly(card + "/clips/sound.mkv")
    try TestClips.noFrames(card + "/clips/noframes.avi")
    let output = folder.sub("out")
    let report = try scanInProcess(card: card, output: output)
    #expect(report.failures == 5)
    // A clip that failed has no frame rate, and is still counted as a clip.
    let counts = try Self.summaryCounts(output)
    #expect(counts.images == 6 && counts.clips == 5)
    let byFile = try Self.detections(output)
    let expected = [
      "clips/cut.avi": "truncated: clips/cut.avi: truncated video: frames end at ",
      "clips/notes.mp4": "not_a_video: clips/notes.mp4: not a readable video: ",
      "clips/zero.mov": "empty: clips/zero.mov: file is empty (0 bytes)",
      "clips/sound.mkv": "no_video_stream: clips/sound.mkv: the clip has no video stream",
      "clips/noframes.avi": "no_frames: clips/noframes.avi: the clip has no frames",
    ]
    for (file, reason) in expected {
      let record = try #require(byFile[file], "\(file)")
      #expect(record.detections == nil)
      #expect(record.failure?.hasPrefix(reason) == true, "\(file): \(record.failure ?? "-")")
    }
    // The photo beside them was scanned.
    #expect(byFile[Repository.thermalSamples[0]]?.detections?.isEmpty == false)
  }

  @Test func resumeAfterAClipEqualsAWholeRun() throws {
    let folder = try TemporaryFolder("video-resume")
    defer { folder.remove() }
    let card = folder.sub("card")
    try copySamples(Array(Repository.thermalSamples.prefix(3)), into: card)
    try TestClips.writePersonClip(card + "/a-clips/MVI_0001.AVI")
    try TestClips.writePersonClip(card + "/a-clips/MVI_0002.AVI", seconds: 3, personFrom: 12)
    let whole = folder.sub("whole")
    try scanInProcess(card: card, output: whole)

    // A kill -9 right after the first clip's line was appended.
    let killed = folder.sub("killed")
    try FileManager.default.createDirectory(
      atPath: killed + "/.lookout", withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      atPath: whole + "/.lookout/run.json", toPath: killed + "/.lookout/run.json")
    let lines = String(decoding: readBytes(whole + "/.lookout/checkpoint.jsonl"), as: UTF8.self)
      .split(separator: "\n")
    #expect(lines[0].contains("MVI_0001.AVI"), "\(lines[0])")
    try writeFile(killed + "/.lookout/checkpoint.jsonl", Array((lines[0] + "\n").utf8))
    let report = try scanInProcess(card: card, output: killed) { $0.resume = true }
    #expect(report.reused == 1)
    #expect(report.scannedNow == 4)
    #expect(
      try ScanFixtures.outputsEqual(URL(fileURLWithPath: whole), URL(fileURLWithPath: killed)))
  }
}
