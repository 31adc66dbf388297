import Foundation
import SeededRandom
import Testing

@testable import Formats

@Suite struct MegaDetectorWriterTests {
  @Test func matchesGoldenFileByteForByte() throws {
    let got = MegaDetectorOutput.encode(images: GoldenData.images, info: GoldenData.info)
    let want = try Fixture.bytes("detections.json")
    #expect(got == want, "\(firstDifference(got, want))")
  }

  @Test func outputDoesNotDependOnInputOrder() {
    let a = MegaDetectorOutput.encode(images: GoldenData.images, info: GoldenData.info)
    var shuffled = GoldenData.images.reversed().map { image -> ImageRecord in
      var image = image
      image.detections = image.detections?.reversed()
      return image
    }
    shuffled.swapAt(0, 3)
    let b = MegaDetectorOutput.encode(images: shuffled, info: GoldenData.info)
    #expect(a == b)
  }

  @Test func imagesSortByteWise() {
    let files = ["b.jpg", "B.jpg", "é.jpg", "z.jpg", "a/b.jpg", "a.jpg", "a-b.jpg", "e\u{301}.jpg"]
    let sorted = MegaDetectorOutput.normalized(files.map { ImageRecord(file: $0, detections: []) })
      .map(\.file)
    #expect(
      sorted == ["B.jpg", "a-b.jpg", "a.jpg", "a/b.jpg", "b.jpg", "e\u{301}.jpg", "z.jpg", "é.jpg"])
  }

  @Test func emptyRunAndMinimalInfo() {
    let text = String(
      decoding: MegaDetectorOutput.encode(images: [], info: RunInfo()), as: UTF8.self)
    #expect(
      text == """
        {
         "info": {
          "format_version": "1.6"
         },
         "detection_categories": {
          "1": "animal",
          "2": "person",
          "3": "vehicle"
         },
         "images": []
        }
        """)
  }

  @Test func extraInfoMembersFollowTheKnownOnes() throws {
    var info = RunInfo(detector: "d")
    info.extra = [("summary_report", .string("<p>x</p>")), ("detector", .string("ignored"))]
    let doc = try JSONParser.parse(MegaDetectorOutput.encode(images: [], info: info))
    #expect(
      doc["info"]?.objectMembers?.map(\.0) == ["format_version", "detector", "summary_report"])
    #expect(doc["info"]?["detector"]?.stringValue == "d")
  }

  /// The golden file is in Python's canonical form: loading it with Python's json module and
  /// dumping it again with indent=1 gives the same bytes.
  @Test(.enabled(if: python3Path != nil, "needs python3"))
  func goldenFileIsWhatPythonJsonDumpPrints() throws {
    let golden = try Fixture.bytes("detections.json")
    let again = try runPython(
      "import json,sys; sys.stdout.write(json.dumps(json.load(sys.stdin), indent=1))", input: golden
    )
    #expect(again == golden, "\(firstDifference(again, golden))")
  }

  /// Random data through the Swift writer, then through Python's json.load + json.dump(indent=1):
  /// unchanged.
  @Test(.enabled(if: python3Path != nil, "needs python3"))
  func randomOutputIsWhatPythonJsonDumpPrints() throws {
    var rng = SeededRandom(seed: 42)
    var images: [ImageRecord] = []
    let alphabet = Array("abcXYZ _-/.\"\\\t\u{1}éü😀€ñ\u{7f}\u{2028}")
    for i in 0..<200 {
      let name = String(
        (0..<rng.int(1...12)).map { _ in alphabet[rng.int(0...(alphabet.count - 1))] })
      if i % 17 == 0 {
        images.append(.failed(file: name, reason: "Failure \(name)"))
        continue
      }
      let detections = (0..<rng.int(0...4)).map { _ in
        DetectionRecord(
          category: rng.int(1...3), confidence: rng.unit(),
          bbox: (0..<4).map { _ in rng.unit() * 1.2 - 0.1 })
      }
      images.append(
        ImageRecord(
          file: name, detections: detections, width: i % 3 == 0 ? rng.int(1...8000) : nil,
          height: i % 3 == 0 ? rng.int(1...8000) : nil,
          datetime: i % 5 == 0 ? "2024:01:01 00:00:00" : nil))
    }
    let ours = MegaDetectorOutput.encode(images: images, info: GoldenData.info)
    let python = try runPython(
      "import json,sys; sys.stdout.write(json.dumps(json.load(sys.stdin), indent=1))", input: ours)
    #expect(python == ours, "\(firstDifference(python, ours))")
  }
}

@Suite struct MegaDetectorReaderTests {
  @Test func roundTrip() throws {
    let bytes = MegaDetectorOutput.encode(images: GoldenData.images, info: GoldenData.info)
    let results = try MegaDetectorOutput.decode(bytes)
    #expect(results.formatVersion == "1.6")
    #expect(results.info == GoldenData.info)
    #expect(results.detectionCategories == [1: "animal", 2: "person", 3: "vehicle"])
    #expect(results.images == MegaDetectorOutput.normalized(GoldenData.images))
    #expect(results.extra.isEmpty)
    // Already normalized data comes back exactly, and re-encodes to the same bytes.
    let again = MegaDetectorOutput.encode(images: results.images, info: results.info)
    #expect(again == bytes)
  }

  @Test func normalizedRoundsAndSorts() {
    let image = MegaDetectorOutput.normalized(GoldenData.images).first {
      $0.file == "site B/IMG_0002.JPG"
    }!
    #expect(
      image.detections == [
        DetectionRecord(.person, confidence: 1.0, bbox: [0.1235, 0.5, 0.25, 0.3333]),
        DetectionRecord(.vehicle, confidence: 0.612, bbox: [0.0, 0.0, 1.0, 1.0]),
        DetectionRecord(.animal, confidence: 0.123, bbox: [0.1, 0.2, 0.3, 0.4]),
      ])
    #expect(image.width == 4000 && image.height == 3000 && image.datetime == "2024:05:01 06:12:33")
  }

  @Test func readsFormat1_0WithMissingFields() throws {
    let results = try MegaDetectorOutput.decode(try Fixture.bytes("legacy_v1_0.json"))
    #expect(results.formatVersion == "1.0")
    #expect(results.info.detector == nil)
    #expect(results.info.detectionCompletionTime == "2019-05-22 02:12:19")
    #expect(results.info.detectorVersion == nil && results.info.typicalDetectionThreshold == nil)
    #expect(results.info.lookout == nil)
    #expect(
      results.images.map(\.file) == ["cam1/IMG_0001.JPG", "cam1/IMG_0002.JPG", "cam1/IMG_0003.JPG"])
    #expect(
      results.images[0].detections == [
        DetectionRecord(.animal, confidence: 0.926, bbox: [0.0, 0.2762, 0.1539, 0.2825]),
        DetectionRecord(.animal, confidence: 0.061, bbox: [0.0451, 0.1849, 0.3642, 0.4636]),
      ])
    #expect(results.images[1].detections == [] && results.images[1].failure == nil)
    // A failure with no "detections" key at all.
    #expect(results.images[2] == .failed(file: "cam1/IMG_0003.JPG", reason: "Failure image access"))
  }

  @Test func readsFormat1_4WithExtrasAndLooseTypes() throws {
    let results = try MegaDetectorOutput.decode(try Fixture.bytes("legacy_v1_4.json"))
    #expect(results.formatVersion == "1.4")
    #expect(results.info.detector == "md_v5a.0.0.pt")
    #expect(results.info.detectorVersion == "v5a.0.0")
    #expect(results.info.typicalDetectionThreshold == 0.2)
    #expect(results.info.conservativeDetectionThreshold == 0.05)
    #expect(results.info.extra.map(\.0) == ["classifier"])
    #expect(results.extra.map(\.0) == ["classification_categories"])
    let b = results.images[0]
    // An integer category, confidence and box.
    #expect(
      b.detections == [
        DetectionRecord(.person, confidence: 1, bbox: [0, 0, 1, 1]),
        DetectionRecord(.animal, confidence: 0.9, bbox: [0.1, 0.2, 0.3, 0.4]),
      ])
    #expect(b.width == 1920 && b.height == 1080 && b.datetime == nil)
    // A video's `frame_rate` is kept (its other extras are dropped).
    var failedClip = ImageRecord.failed(file: "a/c.jpg", reason: "Failure inference")
    failedClip.frameRate = 30
    #expect(results.images[1] == failedClip)
    #expect(results.images[2] == ImageRecord(file: "a/d.jpg", detections: []))
  }

  @Test func toleratesMissingInfoAndCategories() throws {
    let results = try MegaDetectorOutput.decode(
      Array(
        #"{"images":[{"file":"x.jpg","detections":[{"category":"3","conf":0.5,"bbox":[0,0,1,1]}]}]}"#
          .utf8))
    #expect(results.formatVersion == nil)
    #expect(results.info == RunInfo())
    #expect(results.detectionCategories == [1: "animal", 2: "person", 3: "vehicle"])
    #expect(results.images[0].detections?[0].detectionClass == .vehicle)
  }

  @Test func reportsWhereAFileIsBroken() {
    func error(_ text: String) -> MegaDetectorDecodeError? {
      do {
        _ = try MegaDetectorOutput.decode(Array(text.utf8))
        return nil
      } catch {
        return error
      }
    }
    #expect(error("[]")?.path == "")
    #expect(error(#"{"info":{}}"#)?.path == "images")
    #expect(error(#"{"images":[{"detections":[]}]}"#)?.path == "images[0].file")
    #expect(
      error(
        #"{"images":[{"file":"a","detections":[{"category":"2","conf":0.5,"bbox":[0,0,1]}]}]}"#)?
        .path
        == "images[0].detections[0].bbox")
    #expect(
      error(
        #"{"images":[{"file":"a","detections":[{"category":"x","conf":0.5,"bbox":[0,0,1,1]}]}]}"#)?
        .path
        == "images[0].detections[0].category")
    #expect(error(#"{"images": [}"#)?.message.contains("invalid JSON") == true)
  }
}

@Suite struct MegaDetectorPassThroughTests {
  /// A 1.6 file from another tool keeps its extra info and detector_metadata members when read and
  /// written again.
  @Test func unknownInfoMembersSurviveARewrite() throws {
    let text = """
      {"info": {"format_version": "1.6", "detector": "MDV5A", "classifier": "speciesnet",
      "detector_metadata": {"image_size": 1280, "megadetector_version": "v5a.0.1",
      "typical_detection_threshold": 0.2}, "lookout": "not ours", "summary_report": "<p>x</p>"},
      "detection_categories": {"1": "animal", "2": "person", "3": "vehicle"}, "images": []}
      """
    let results = try MegaDetectorOutput.decode(Array(text.utf8))
    #expect(results.info.detectorMetadataExtra.map(\.0) == ["image_size"])
    #expect(results.info.lookout == nil)
    #expect(results.info.extra.map(\.0) == ["classifier", "lookout", "summary_report"])
    let rewritten = try JSONParser.parse(
      MegaDetectorOutput.encode(images: results.images, info: results.info))
    #expect(
      rewritten["info"]?.objectMembers?.map(\.0) == [
        "format_version", "detector", "detector_metadata", "classifier", "lookout",
        "summary_report",
      ])
    #expect(
      rewritten["info"]?["detector_metadata"]?.objectMembers?.map(\.0) == [
        "megadetector_version", "typical_detection_threshold", "image_size",
      ])
    #expect(rewritten["info"]?["lookout"] == .string("not ours"))
  }
}
