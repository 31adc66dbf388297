import Foundation
import Formats
import LookoutCore

@testable import Pipeline

/// Scan folders made straight from outcomes (no images, no network): a checkpoint of the given
/// outcomes, written out by ``FinishedScan/writeScanFolder`` exactly as a scan's outputs are.
enum OutcomeCard {
  static let fingerprint = ScanFingerprint(
    modelName: "lookout-det", modelVersion: "9.9.9", weightsDigest: "test", inputLongSide: 640,
    minimumConfidence: 0.05, tile: "auto", maxPixels: 100_000_000, shard: nil)

  /// One processed image: `file` with capture time `local` (EXIF, no offset) or none, and
  /// `detections`.
  static func image(
    _ file: String, local: String?, modifiedSeconds: Int64 = 1_700_000_000,
    detections: [StoredDetection] = []
  ) -> ImageOutcome {
    var outcome = ImageOutcome(
      file: file, size: 100, modifiedNanoseconds: modifiedSeconds * 1_000_000_000)
    outcome.width = 64
    outcome.height = 48
    outcome.capturedLocal = local
    outcome.detections = detections
    return outcome
  }

  /// `2024-05-01T06:00:00` plus `seconds`.
  static func time(_ seconds: Int) -> String {
    let minutes = seconds / 60
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return "2024-05-01T\(two(6 + minutes / 60)):\(two(minutes % 60)):\(two(seconds % 60))"
  }

  /// A scan folder of `outcomes` (any order), optionally as shard `shard`, with outputs written
  /// with `eventGapSeconds`, `staticRule` and, with `perImageAlerts`, one alert per image.
  static func folder(
    _ outcomes: [ImageOutcome], shard: ShardSelection? = nil,
    eventGapSeconds: Int = OutputContext.defaultEventGapSeconds, perImageAlerts: Bool = false,
    staticRule: StaticRule = .standard
  ) throws -> URL {
    let directory = try ScanFixtures.temporaryFolder()
    let lookout = directory.appendingPathComponent(".lookout")
    try FileManager.default.createDirectory(at: lookout, withIntermediateDirectories: true)
    var fingerprint = fingerprint
    fingerprint.shard = shard?.description
    try Data(ScanCheckpoint.encode(fingerprint)).write(
      to: lookout.appendingPathComponent("run.json"))
    var lines: [UInt8] = []
    for outcome in outcomes {
      lines += ScanCheckpoint.encode(outcome) + [UInt8(ascii: "\n")]
    }
    let checkpoint = lookout.appendingPathComponent("checkpoint.jsonl")
    try Data(lines).write(to: checkpoint)
    let scan = FinishedScan(
      directory: directory.path, fingerprint: fingerprint,
      index: try CheckpointIndex.read(path: checkpoint.path),
      thresholds: ModelBundle.fallbackThresholds, alerting: AlertingSettings(), seconds: 1)
    _ = try FinishedScan.writeScanFolder(
      directory: directory.path, fingerprint: fingerprint, scans: [scan],
      thresholds: scan.thresholds, alerting: scan.alerting, seconds: 1,
      eventGapSeconds: eventGapSeconds, perImageAlerts: perImageAlerts, staticRule: staticRule)
    return directory
  }

  /// The images of a folder's detections.json.
  static func images(_ folder: URL) throws -> [ImageRecord] {
    try MegaDetectorOutput.decode(
      Array(Data(contentsOf: folder.appendingPathComponent("detections.json")))
    ).images
  }

  /// Each image's event id, by file.
  static func eventIDs(_ folder: URL) throws -> [String: String] {
    var ids: [String: String] = [:]
    for image in try images(folder) { ids[image.file] = image.event?.id }
    return ids
  }
}
