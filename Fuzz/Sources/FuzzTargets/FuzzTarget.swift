import Formats
import Foundation
import Geo
import ImageIO
import LookoutSystem
import Pipeline
import Research
import Watch

/// One parser of untrusted bytes, driven by libFuzzer (or replayed on saved inputs).
///
/// Every target must return normally for any input: a parser that throws is fine, a trap, a
/// hang or a memory error is a finding. Where a parser has a cheap consistency property
/// (write what was read, read it back), the target checks it too.
public struct FuzzTarget: Sendable {
  public var name: String
  public var summary: String
  /// Feeds one input to the parser; returns normally for every input.
  public var run: @Sendable ([UInt8]) -> Void

  public static let all: [FuzzTarget] = [
    jpeg, png, exif, json, megadetector, alerts, checkpoint, config, deployments, geojson,
    truthCSV, truthCOCO, truthCamtrapDP, watchConfig, containedPath, sinkURL,
  ]

  public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }

  /// Small enough that a hostile header cannot make one input take seconds or gigabytes.
  static let maxPixels = 4_000_000

  /// Full decode and downscaled decode; the input is forced to start with the JPEG signature so
  /// that the fuzzer's effort stays in libjpeg and the shim.
  static let jpeg = FuzzTarget(
    name: "jpeg", summary: "ImageDecoder on JPEG bytes (libjpeg shim, EXIF, orientation)"
  ) { bytes in
    let data = bytes.starts(with: [0xFF, 0xD8]) ? bytes : [0xFF, 0xD8] + bytes
    decodeBothWays(data)
  }

  static let png = FuzzTarget(
    name: "png", summary: "ImageDecoder on PNG bytes (libpng shim, eXIf, orientation)"
  ) { bytes in
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    decodeBothWays(bytes.starts(with: signature) ? bytes : signature + bytes)
  }

  static func decodeBothWays(_ data: [UInt8]) {
    _ = ImageDecoder.metadata(of: data)
    for side in [nil, 64] as [Int?] {
      let options = DecodeOptions(minimumLongSide: side, maxPixels: maxPixels)
      if let decoded = try? ImageDecoder.decode(data: data, path: "fuzz", options: options) {
        precondition(decoded.image.pixels.count == decoded.image.width * decoded.image.height * 3)
      }
    }
  }

  /// The EXIF parser on a TIFF block, an APP1 payload or a whole APP1 segment.
  static let exif = FuzzTarget(name: "exif", summary: "ExifParser on TIFF/APP1 bytes") { bytes in
    let metadata = ExifParser.parse(bytes)
    if let date = metadata.dateTimeOriginal { precondition(date.utf8.count == 19) }
    if let gps = metadata.gps {
      precondition(abs(gps.latitude) <= 90 && abs(gps.longitude) <= 180)
    }
  }

  /// JSONParser; a parsed value written compactly must parse back to the same value, except
  /// that non-finite numbers (NaN, Infinity, or a literal such as 1E400 beyond Double's range,
  /// read as Python reads it) come back as null: the writer writes null for them by design.
  static let json = FuzzTarget(name: "json", summary: "JSONParser, with a write/read round trip") {
    bytes in
    guard let value = try? JSONParser.parse(bytes) else { return }
    let written = JSONWriter.compact.string(value)
    guard let again = try? JSONParser.parse(written) else {
      preconditionFailure("written JSON does not parse: \(written)")
    }
    precondition(again == finiteOrNull(value), "round trip changed \(written)")
  }

  static func finiteOrNull(_ value: JSONValue) -> JSONValue {
    switch value {
    case .number(let d) where !d.isFinite: return .null
    case .array(let elements): return .array(elements.map(finiteOrNull))
    case .object(let members): return .object(members.map { ($0.0, finiteOrNull($0.1)) })
    default: return value
    }
  }

  /// MegaDetectorOutput.decode (detections.json); what it accepts must encode and decode again.
  static let megadetector = FuzzTarget(
    name: "megadetector", summary: "MegaDetectorOutput.decode (detections.json), re-encoded"
  ) { bytes in
    guard let results = try? MegaDetectorOutput.decode(bytes) else { return }
    let encoded = MegaDetectorOutput.encode(images: results.images, info: results.info)
    do {
      _ = try MegaDetectorOutput.decode(encoded)
    } catch {
      preconditionFailure("re-encoded detections.json does not decode: \(error)")
    }
  }

  /// An alerts.jsonl file, line by line; a decoded alert must survive a re-encoding.
  static let alerts = FuzzTarget(name: "alerts", summary: "AlertEncoding.decodeJSONLine") { bytes in
    for line in JSONLinesReader.split(bytes).lines {
      guard let alert = try? AlertEncoding.decodeJSONLine(line) else { continue }
      _ = AlertEncoding.csvRow(alert)
      let again = try? AlertEncoding.decodeJSONLine(AlertEncoding.jsonLine(alert))
      precondition(again != nil, "re-encoded alert does not decode: \(line)")
    }
  }

  /// A checkpoint folder's files: the first line as run.json, all lines as checkpoint.jsonl,
  /// read whole and through the streaming index a resumed scan uses (a small chunk size, so
  /// lines straddle chunks): both must find the same files.
  static let checkpoint = FuzzTarget(
    name: "checkpoint", summary: "ScanCheckpoint: run.json fingerprint and checkpoint.jsonl lines"
  ) { bytes in
    let firstLine = Array(bytes.prefix { $0 != 0x0A })
    _ = ScanCheckpoint.fingerprint(inJSON: firstLine)
    let outcomes = ScanCheckpoint.outcomes(inJSONLines: bytes)
    for outcome in outcomes {
      _ = outcome.capturedAt
      _ = outcome.failed
    }
    let path = NSTemporaryDirectory() + "lookout-fuzz-checkpoint-\(getpid()).jsonl"
    guard (try? AtomicFileWriter.write(bytes, to: path)) != nil else { return }
    defer { _ = unlink(path) }
    guard let index = try? CheckpointIndex.read(path: path, chunkBytes: 7) else {
      preconditionFailure("the index could not read a file the whole-file reader read")
    }
    let indexed = (0..<index.count).map(index.file(at:))
    let expected = Set(outcomes.map(\.file)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    precondition(indexed == expected, "streaming index and whole read disagree")
    for outcome in outcomes.reversed() where outcome.file == expected.first {
      // The latest line of a file wins.
      precondition(index.entry(at: 0).size == outcome.size, "an earlier line of a file won")
      break
    }
  }

  /// The config file `tune` writes and `scan`/`watch` read; what it accepts must write and
  /// read back with the same thresholds.
  static let config = FuzzTarget(name: "config", summary: "LookoutConfig and its thresholds") {
    bytes in
    guard let config = try? LookoutConfig.parse(bytes, path: "fuzz"),
      let thresholds = try? config.thresholds(path: "fuzz")
    else { return }
    let again = try? LookoutConfig.parse(
      Array(config.settingThresholds(thresholds).text().utf8), path: "fuzz")
    precondition(
      (try? again?.thresholds(path: "fuzz")) == thresholds, "thresholds changed on a rewrite")
  }

  /// The deployments CSV, with dates required (Camtrap DP) and optional (`watch`), and a lookup
  /// through its path patterns.
  static let deployments = FuzzTarget(
    name: "deployments", summary: "DeploymentsFile (CSV) and its path-pattern lookup"
  ) { bytes in
    for dates in [DeploymentsFile.DateColumns.required, .optional] {
      guard let file = try? DeploymentsFile.parse(bytes, path: "fuzz", dates: dates) else {
        continue
      }
      for deployment in file.deployments.prefix(8) {
        precondition(abs(deployment.latitude) <= 90 && abs(deployment.longitude) <= 180)
        precondition(deployment.end.localSeconds >= deployment.start.localSeconds)
      }
      _ = file.deployment(forPath: "site/cam01/IMG_0001.JPG")
      _ = file.deployment(
        forPath: "site/cam01/IMG_0001.JPG", capturedLocal: "2024-05-01T06:12:33")
    }
  }

  /// Protected areas from GeoJSON, and point-in-polygon queries against them.
  static let geojson = FuzzTarget(name: "geojson", summary: "GeoJSON protected areas") { bytes in
    guard let areas = try? GeoJSONAreaReader.parse(bytes, path: "fuzz") else { return }
    for point in [GeoPoint(latitude: 0, longitude: 0), GeoPoint(latitude: -19.2, longitude: 23.6)] {
      _ = areas.names(containing: point)
    }
  }

  /// `lookout watch`'s config file: the document and its thresholds go through LookoutConfig
  /// (as in `config`), the `watch` member through WatchConfigFile. What it accepts must have
  /// only absolute paths, stay the same when merged with no flags, and resolve or be refused
  /// (never trap).
  static let watchConfig = FuzzTarget(
    name: "watch-config", summary: "WatchConfigFile: the config file's watch member"
  ) { bytes in
    guard let settings = try? WatchConfigFile.parse(bytes, path: "fuzz", folder: "/fuzz") else {
      return
    }
    let paths = [
      settings.inbox, settings.output, settings.moveProcessed, settings.areas,
      settings.deployments, settings.modelDirectory, settings.webhookTokenFile,
      settings.earthRangerTokenFile,
    ]
    for case let path? in paths { precondition(path.hasPrefix("/"), "relative path \(path)") }
    precondition(settings.overridden(by: WatchSettings()) == settings, "no flags changed it")
    _ = try? settings.resolved()
  }

  /// ContainedPath, the check on every path read from a detections or truth file: each line of
  /// the input is one path. A path it accepts, joined to a folder and resolved lexically (`.`
  /// dropped, `..` taking off the last component, `/` and `\\` both separators), must stay in
  /// that folder; a path it refuses must give a reason and an error that names the entry.
  static let containedPath = FuzzTarget(
    name: "contained-path", summary: "ContainedPath on paths read from files (one per line)"
  ) { bytes in
    for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
      let path = String(decoding: line, as: UTF8.self)
      guard let reason = ContainedPath.problem(path) else {
        var depth: [Substring] = []
        for part in path.split(whereSeparator: { $0 == "/" || $0 == "\\" }) {
          if part == "." { continue }
          if part == ".." {
            precondition(!depth.isEmpty, "accepted \(path), which leaves the folder")
            depth.removeLast()
          } else {
            depth.append(part)
          }
        }
        precondition(!path.hasPrefix("/") && !path.hasPrefix("\\"), "accepted absolute \(path)")
        continue
      }
      precondition(!reason.isEmpty)
      do throws(UnsafePathError) {
        try ContainedPath.check(path, entry: "images[0].file", in: "fuzz")
        preconditionFailure("check accepted \(path), which problem refuses")
      } catch {
        precondition(error.description.hasPrefix("fuzz: images[0].file "))
      }
    }
  }

  /// `lookout watch`'s sink URLs (`--webhook-url`, `--earthranger-url`), checked at startup:
  /// the check never traps, and what it accepts is a URL the HTTP client can connect to (http
  /// or https, a host, a port in 1...65535, no credentials), read the same way by Foundation.
  static let sinkURL = FuzzTarget(
    name: "sink-url", summary: "SinkURL.parse: watch's webhook and EarthRanger URLs"
  ) { bytes in
    let text = String(decoding: bytes, as: UTF8.self)
    guard let parsed = try? SinkURL.parse(text, option: "--webhook-url") else { return }
    precondition(parsed.scheme == "http" || parsed.scheme == "https", "scheme \(parsed.scheme)")
    precondition((1...65535).contains(parsed.port), "port \(parsed.port)")
    precondition(!parsed.host.isEmpty && !parsed.host.contains("@"), "host \(parsed.host)")
    guard let url = URL(string: text), let host = url.host, !host.isEmpty else {
      preconditionFailure("accepted, but Foundation reads no host: \(text)")
    }
    precondition(url.user == nil && url.password == nil, "credentials accepted: \(text)")
    precondition(url.port.map { $0 == parsed.port } ?? true, "the ports disagree: \(text)")
  }

  /// Ground truth as CSV (`file,label[,x,y,w,h]`).
  static let truthCSV = FuzzTarget(name: "truth-csv", summary: "ground truth CSV") { bytes in
    _ = try? TruthCSV.parse(bytes, path: "fuzz")
  }

  /// Ground truth as COCO JSON.
  static let truthCOCO = FuzzTarget(name: "truth-coco", summary: "ground truth COCO JSON") {
    bytes in
    _ = try? TruthCOCO.parse(bytes, path: "fuzz")
  }

  /// Ground truth as a Camtrap DP package: the input is media.csv, a NUL byte, then
  /// observations.csv (no NUL: all of it is observations, with an empty media table).
  static let truthCamtrapDP = FuzzTarget(
    name: "truth-camtrap-dp", summary: "ground truth Camtrap DP (media.csv NUL observations.csv)"
  ) { bytes in
    let split = bytes.firstIndex(of: 0) ?? bytes.startIndex
    let media = Array(bytes[..<split])
    let observations = Array(bytes[(split < bytes.endIndex ? split + 1 : split)...])
    guard let mediaTable = try? CSVReader.parse(media, path: "media.csv"),
      let observationTable = try? CSVReader.parse(observations, path: "observations.csv")
    else { return }
    _ = try? TruthCamtrapDP.parse(
      observations: observationTable, observationsPath: "observations.csv", media: mediaTable,
      mediaPath: "media.csv")
  }
}
