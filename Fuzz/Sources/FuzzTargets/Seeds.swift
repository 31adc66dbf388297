import Formats
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
    case "config":
      return [
        (
          "config.json",
          Array(#"{"thresholds": {"animal": 0.3, "person": 0.35, "sites": {"a": {"person": 0.2}}}}"#.utf8)
        )
      ]
    case "deployments":
      let files = fixtures("Tests/ResearchTests/Fixtures/eval", suffix: ".csv").filter {
        $0.0.hasPrefix("deployments")
      }
      return files + files.map { ("open-" + $0.0, withoutDates($0.1)) }
    case "geojson":
      return [
        (
          "park.geojson",
          Array(
            #"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Park"}, "geometry": {"type": "Polygon", "coordinates": [[[23, -20], [24, -20], [24, -19], [23, -19], [23, -20]], [[23.4, -19.6], [23.6, -19.6], [23.6, -19.4], [23.4, -19.6]]]}}]}"#
              .utf8)
        )
      ]
    case "watch-config":
      let example = readmeJSON(containing: #""watch""#)
      let rewritten = (try? LookoutConfig.parse(example, path: "README.md")).map {
        Array($0.text().utf8)
      }
      return [("readme.json", example), ("rewritten.json", rewritten ?? [])]
    case "sink-url":
      return sinkURLSeeds()
    case "truth-csv":
      return fixtures("Tests/ResearchTests/Fixtures/eval", suffix: "truth.csv")
    case "truth-coco":
      return fixtures("Tests/ResearchTests/Fixtures/truth", suffix: ".json")
    case "truth-camtrap-dp":
      let folder = "Tests/ResearchTests/Fixtures/truth/"
      return [("package.bin", bytes(folder + "media.csv") + [0] + bytes(folder + "observations.csv"))]
    case "contained-path":
      // The image paths of the detections fixtures, and the same paths made absolute, led up
      // with "..", and written with backslashes.
      var paths: [String] = []
      let files =
        fixtures(formats, suffix: ".json")
        + fixtures("Tests/ResearchTests/Fixtures/eval", suffix: ".json")
      for (_, bytes) in files {
        guard let results = try? MegaDetectorOutput.decode(bytes) else { continue }
        paths += results.images.map(\.file)
      }
      let seeds = [
        ("paths.txt", paths), ("absolute.txt", paths.map { "/" + $0 }),
        ("up.txt", paths.map { "../" + $0 }),
        ("backslashes.txt", paths.map { String($0.map { $0 == "/" ? "\\" : $0 }) }),
      ]
      return seeds.filter { !$0.1.isEmpty }.map {
        ($0.0, Array($0.1.joined(separator: "\n").utf8))
      }
    default:
      return []
    }
  }

  /// A deployments CSV with its rows' `start` and `end` left empty (as `watch` allows), found
  /// by the header; the fields before them must be unquoted.
  static func withoutDates(_ csv: [UInt8]) -> [UInt8] {
    var lines = String(decoding: csv, as: UTF8.self).components(separatedBy: "\n")
    guard let header = lines.first?.components(separatedBy: ","),
      let start = header.firstIndex(of: "start"), let end = header.firstIndex(of: "end")
    else { return csv }
    for i in lines.indices.dropFirst() {
      var fields = lines[i].components(separatedBy: ",")
      guard fields.count > max(start, end) else { continue }
      fields[start] = ""
      fields[end] = ""
      lines[i] = fields.joined(separator: ",")
    }
    return Array(lines.joined(separator: "\n").utf8)
  }

  /// The first ```json block of README.md that contains `marker`.
  static func readmeJSON(containing marker: String) -> [UInt8] {
    let text = String(decoding: bytes("README.md"), as: UTF8.self)
    for block in text.components(separatedBy: "```json\n").dropFirst() {
      let body = block.components(separatedBy: "```").first ?? ""
      if body.contains(marker) { return Array(body.utf8) }
    }
    return []
  }

  /// The http(s) URLs in README.md, and each with an explicit port (the highest allowed, the
  /// first one over) and with a user name, so that the fuzzer starts from every part the check
  /// looks at.
  static func sinkURLSeeds() -> [(String, [UInt8])] {
    let text = String(decoding: bytes("README.md"), as: UTF8.self)
    let stops = Set(" \n\t)`\"'<>,")
    var urls: [String] = []
    for piece in text.components(separatedBy: "http").dropFirst() {
      let url = "http" + String(piece.prefix { !stops.contains($0) })
      if url.hasPrefix("http://") || url.hasPrefix("https://"), !urls.contains(url) {
        urls.append(url)
      }
    }
    var seeds: [(String, [UInt8])] = []
    for (n, url) in urls.enumerated() {
      let scheme = url.hasPrefix("https://") ? "https://" : "http://"
      let rest = url.dropFirst(scheme.count)
      let host = rest.prefix { $0 != "/" }
      let path = rest.dropFirst(host.count)
      seeds.append(("url\(n).txt", Array(url.utf8)))
      for (suffix, port) in [("max", ":65535"), ("over", ":65536")] {
        seeds.append(("url\(n)-port-\(suffix).txt", Array((scheme + host + port + path).utf8)))
      }
      seeds.append(("url\(n)-user.txt", Array((scheme + "user@" + host + path).utf8)))
    }
    return seeds
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
