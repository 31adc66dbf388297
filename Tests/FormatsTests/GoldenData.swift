import Foundation
import Formats
import LookoutCore

/// The data behind the golden files; mirrors scripts/make_formats_golden.py.
enum GoldenData {
  static let modelVersion = "lookout-det-0.1.0+1a2b3c4d"
  static let thresholds: [String: Double] = ["person": 0.5, "vehicle": 0.6]
  static let unicodeFile = "site A/Z\u{e9}bra \u{fc}n\u{ef}code \u{1F600}.jpg"

  static func d(_ c: DetectionClass, _ conf: Double, _ bbox: [Double]) -> DetectionRecord {
    DetectionRecord(c, confidence: conf, bbox: bbox)
  }

  /// In input (unsorted) order.
  static let images: [ImageRecord] = [
    ImageRecord(
      file: "site B/IMG_0002.JPG",
      detections: [
        d(.person, 0.9995, [0.12345, 0.5, 0.25, 0.33333333]),
        d(.vehicle, 0.61234, [0.0, 0.00004, 1.0, 0.99996]),
        d(.animal, 0.12345, [0.1, 0.2, 0.3, 0.4]),
      ], width: 4000, height: 3000, datetime: "2024:05:01 06:12:33"),
    ImageRecord(file: "site A/empty.jpg", detections: [], width: 1920, height: 1080),
    ImageRecord.failed(file: "site A/broken.jpg", reason: "Failure image access"),
    ImageRecord(file: unicodeFile, detections: [d(.animal, 0.8, [0.25, 0.125, 0.5, 0.375])]),
    ImageRecord(
      file: "site A/IMG_0001.JPG",
      detections: [
        d(.person, 0.5, [0.3, 0.1, 0.2, 0.2]),
        d(.person, 0.5, [0.1, 0.1, 0.2, 0.2]),
        d(.vehicle, 0.5, [0.0, 0.0, 0.5, 0.5]),
        d(.animal, 0.5004, [0.6, 0.6, 0.1, 0.1]),
        d(.person, 0.0005, [-0.00001, 0.00005, 0.00015, 0.99995]),
        d(.animal, 1.0, [0.0, 0.0, 1.0, 1.0]),
        d(.vehicle, 0.1115, [0.2675, 0.0001, 0.00001, 0.5]),
      ]),
    ImageRecord(
      file: "site A/quote\"back\\slash\ttab/ctl\u{1}.jpg", detections: [],
      datetime: "2023:12:31 23:59:59"),
    ImageRecord(
      file: "site a/lower.jpg", detections: [d(.person, 0.7, [0.1, 0.2, 0.3, 0.4])], width: 640,
      height: 480),
  ]

  static let info = RunInfo(
    detector: "lookout-det v0.1.0", detectionCompletionTime: "2026-11-25T17:18:02Z",
    detectorVersion: "v0.1.0", typicalDetectionThreshold: 0.2, conservativeDetectionThreshold: 0.1,
    lookout: LookoutRunInfo(
      modelVersion: modelVersion, inputSize: 640,
      classThresholds: ["vehicle": 0.6, "animal": 0.3, "person": 0.5]))

  static func alert(
    file: String, size: UInt64, sec: Int64, nsec: Int, boxes: [AlertBox], capturedAt: String?,
    camera: String?, site: String?, latitude: Double?, longitude: Double?, altitude: Double?,
    insideArea: String?
  ) -> AlertRecord {
    AlertRecord(
      id: AlertID.make(
        modelVersion: modelVersion, relativePath: file, fileSize: size, modificationSeconds: sec,
        modificationNanoseconds: nsec),
      file: file, boxes: boxes, capturedAt: capturedAt, camera: camera, site: site,
      latitude: latitude, longitude: longitude, altitude: altitude, insideArea: insideArea,
      modelVersion: modelVersion, thresholds: thresholds)
  }

  static let alerts: [AlertRecord] = [
    alert(
      file: "site B/IMG_0002.JPG", size: 2_345_678, sec: 1_714_536_753, nsec: 120_000_000,
      boxes: [
        AlertBox(label: "vehicle", confidence: 0.61234, bbox: [0.0, 0.00004, 1.0, 0.99996]),
        AlertBox(label: "person", confidence: 0.9995, bbox: [0.12345, 0.5, 0.25, 0.33333333]),
      ], capturedAt: "2024-05-01T06:12:33+02:00", camera: "Reconyx HP2X",
      site: "Ngorongoro, \"north\" gate", latitude: -3.2406, longitude: 35.4875123,
      altitude: 2286.5, insideArea: nil),
    alert(
      file: "site A/line\nbreak, comma.jpg", size: 1, sec: 0, nsec: 0,
      boxes: [AlertBox(label: "person", confidence: 0.55, bbox: [0.1, 0.2, 0.3, 0.4])],
      capturedAt: "2024-05-01T06:12:33", camera: nil, site: nil, latitude: nil, longitude: nil,
      altitude: nil, insideArea: nil),
    alert(
      file: unicodeFile, size: 987_654_321, sec: 1_700_000_000, nsec: 5,
      boxes: [AlertBox(label: "vehicle", confidence: 0.7, bbox: [0.25, 0.125, 0.5, 0.375])],
      capturedAt: nil, camera: "Bushnell; \u{e9}", site: "Serengeti\r\nEast", latitude: 0.0,
      longitude: -0.5, altitude: -12.0, insideArea: "Zone \"A\""),
  ]
}

enum Fixture {
  static func url(_ name: String) -> URL {
    let base = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    return base.appendingPathComponent(name)
  }

  static func bytes(_ name: String) throws -> [UInt8] {
    Array(try Data(contentsOf: url(name)))
  }

  static func text(_ name: String) throws -> String {
    String(decoding: try bytes(name), as: UTF8.self)
  }
}

/// Shows the first difference between two byte strings, for readable test failures.
func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> String {
  let n = zip(a, b).prefix(while: { $0 == $1 }).count
  let context = { (x: [UInt8]) in
    String(decoding: x[max(0, n - 40)..<min(x.count, n + 40)], as: UTF8.self)
  }
  return
    "differ at byte \(n) (sizes \(a.count), \(b.count)):\n--- got\n\(context(a))\n--- expected\n\(context(b))"
}

/// A fresh empty directory under the temporary directory.
func makeTemporaryDirectory() throws -> String {
  let path = NSTemporaryDirectory() + "lookout-formats-tests-\(UUID().uuidString)"
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}

/// python3's path, when it is installed.
let python3Path: String? = {
  for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
  {
    let p = "\(dir)/python3"
    if FileManager.default.isExecutableFile(atPath: p) { return p }
  }
  return nil
}()

/// Runs python3 with `script`, feeding `input` on stdin; returns stdout.
func runPython(_ script: String, input: [UInt8]) throws -> [UInt8] {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: python3Path!)
  process.arguments = ["-c", script]
  let stdin = Pipe()
  let stdout = Pipe()
  process.standardInput = stdin
  process.standardOutput = stdout
  try process.run()
  let writer = Thread {
    stdin.fileHandleForWriting.write(Data(input))
    try? stdin.fileHandleForWriting.close()
  }
  writer.start()
  let out = stdout.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return Array(out)
}
