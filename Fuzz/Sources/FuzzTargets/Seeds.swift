import Foundation
import Pipeline

/// Seed inputs for each target, taken from files already in the repository (sample images,
/// test fixtures) or built from the formats' own writers: never hand-written byte strings.
public enum Seeds {
  /// The repository root (this file is Fuzz/Sources/FuzzTargets/Seeds.swift).
  public static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

  /// Regular files at `path` (itself, or the files directly in it), sorted.
  public static func files(at path: String) -> [String] {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return [] }
    guard isFolder.boolValue else { return [path] }
    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    return names.sorted().map { path + "/" + $0 }.filter {
      var folder: ObjCBool = false
      return FileManager.default.fileExists(atPath: $0, isDirectory: &folder) && !folder.boolValue
    }
  }

  static func bytes(_ relative: String) -> [UInt8] {
    [UInt8](FileManager.default.contents(atPath: root + "/" + relative) ?? Data())
  }

  static func fixtures(_ folder: String, suffix: String) -> [(String, [UInt8])] {
    files(at: root + "/" + folder).filter { $0.hasSuffix(suffix) }.map {
      (
        URL(fileURLWithPath: $0).lastPathComponent,
        [UInt8](FileManager.default.contents(atPath: $0) ?? Data())
      )
    }
  }

  static let thermal = "SampleImages/ridge-north/drone01/DJI_20240914061203_0001_T.JPG"
  static let camera = "SampleImages/river-camp/cam03/RCNX0003.jpeg"
  static let png = "SampleImages/ridge-north/drone01/DJI_20240914215212_0006_T.png"

  /// Writes the seeds; returns how many.
  public static func write(for target: FuzzTarget, into folder: String) -> Int {
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let seeds = make(target.name)
    for (name, bytes) in seeds {
      _ = FileManager.default.createFile(atPath: folder + "/" + name, contents: Data(bytes))
    }
    return seeds.count
  }

  public static func make(_ target: String) -> [(String, [UInt8])] {
    let formats = "Tests/FormatsTests/Fixtures"
    switch target {
    case "jpeg":
      return fixtures("Tests/ImageIOTests/Fixtures", suffix: ".jpg")
        + [("thermal.jpg", bytes(thermal))]
    case "png":
      return fixtures("Tests/ImageIOTests/Fixtures", suffix: ".png") + [("sample.png", bytes(png))]
    case "exif":
      var seeds: [(String, [UInt8])] = []
      for (name, jpeg) in fixtures("Tests/ImageIOTests/Fixtures", suffix: ".jpg")
        + [("thermal", bytes(thermal)), ("camera", bytes(camera))]
      {
        if let segment = app1Segment(jpeg) { seeds.append((name + ".app1", segment)) }
      }
      return seeds
    case "json":
      return fixtures(formats, suffix: ".json") + [
        ("graph.json", Array(bytes("Models/lookout-det.json").prefix(4096)))
      ]
    case "megadetector":
      return fixtures(formats, suffix: ".json").filter { !$0.0.hasPrefix("summary") }
    case "alerts":
      return fixtures(formats, suffix: ".jsonl")
    case "checkpoint":
      return [("checkpoint.jsonl", checkpointSeed())]
    default:
      return []
    }
  }

  /// The first EXIF APP1 segment (marker included) of a JPEG.
  static func app1Segment(_ jpeg: [UInt8]) -> [UInt8]? {
    var offset = 2
    while offset + 4 <= jpeg.count, jpeg[offset] == 0xFF {
      let marker = jpeg[offset + 1]
      let length = Int(jpeg[offset + 2]) << 8 | Int(jpeg[offset + 3])
      if marker == 0xDA { return nil }
      if marker == 0xE1, offset + 2 + length <= jpeg.count {
        return Array(jpeg[offset..<(offset + 2 + length)])
      }
      offset += 2 + length
    }
    return nil
  }

  /// A run.json line and outcome lines written by the same encoder the scan uses.
  static func checkpointSeed() -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let fingerprint = ScanFingerprint(
      modelName: "lookout-det", modelVersion: "1", weightsDigest: "abc", inputLongSide: 640,
      minimumConfidence: 0.05, tile: "auto", maxPixels: 100_000_000, shard: nil)
    var good = ImageOutcome(file: "site/cam/a.jpg", size: 1234, modifiedNanoseconds: 5)
    good.width = 640
    good.height = 512
    good.capturedLocal = "2024-09-14T06:12:03"
    good.capturedOffset = "+02:00"
    good.latitude = -2.5
    good.longitude = 34.9
    good.detections = [StoredDetection(classIndex: 1, confidence: 0.9, box: [0.1, 0.2, 0.3, 0.4])]
    var failed = ImageOutcome(file: "site/cam/b.jpg", size: 0, modifiedNanoseconds: 0)
    failed.failureCode = "truncated"
    failed.failureReason = "b.jpg: truncated image: premature end"
    var out: [UInt8] = []
    for line in [
      try? encoder.encode(fingerprint), try? encoder.encode(good), try? encoder.encode(failed),
    ] {
      out += [UInt8](line ?? Data()) + [0x0A]
    }
    return out
  }
}
