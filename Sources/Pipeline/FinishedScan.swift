import Foundation
import Formats

/// A finished scan's output folder read back: its settings, its per-image outcomes (from the
/// compacted checkpoint) and the thresholds and timing its outputs were written with. Merging
/// shards and re-thresholding both start from this.
public struct FinishedScan: Sendable {
  public var directory: String
  public var fingerprint: ScanFingerprint
  public var outcomes: [ImageOutcome]
  public var thresholds: AlertThresholds
  public var seconds: Double

  /// Reads `directory`; throws `MergeError.unfinished` when it holds no finished scan.
  public static func load(directory: String) throws -> FinishedScan {
    let fingerprint = try ScanCheckpoint.readFingerprint(directory: directory + "/.lookout")
    guard let detections = FileManager.default.contents(atPath: directory + "/detections.json")
    else {
      throw MergeError.unfinished(path: directory, reason: "no detections.json")
    }
    let info = try MegaDetectorOutput.decode(Array(detections)).info
    let stored = info.lookout?.classThresholds ?? [:]
    func threshold(_ name: String, _ fallback: Float) -> Float {
      stored[name].map(Float.init) ?? fallback
    }
    let fallback = ModelBundle.fallbackThresholds
    let thresholds = AlertThresholds(
      animal: threshold("animal", fallback.animal), person: threshold("person", fallback.person),
      vehicle: threshold("vehicle", fallback.vehicle))
    var seconds = 0.0
    if let bytes = FileManager.default.contents(atPath: directory + "/summary.json"),
      let summary = try? JSONParser.parse(Array(bytes))
    {
      seconds = summary["seconds"]?.doubleValue ?? 0
    }
    let outcomes = ScanCheckpoint.loadOutcomes(path: directory + "/.lookout/checkpoint.jsonl")
    return FinishedScan(
      directory: directory, fingerprint: fingerprint, outcomes: outcomes, thresholds: thresholds,
      seconds: seconds)
  }

  /// Writes the outputs for `outcomes` with `thresholds`, plus a checkpoint and settings file, so
  /// the folder reads back like a scan's (it can be merged, re-thresholded or resumed).
  static func writeScanFolder(
    directory: String, fingerprint: ScanFingerprint, outcomes: [ImageOutcome],
    thresholds: AlertThresholds, seconds: Double
  ) throws -> [AlertSummaryLine] {
    try OutputFiles.makeDirectory(directory)
    let checkpoint = ScanCheckpoint(outputDirectory: directory)
    try checkpoint.start(fingerprint: fingerprint)
    try checkpoint.compact(to: outcomes)
    let now = Date()
    let context = OutputContext(
      modelName: fingerprint.modelName, modelVersion: fingerprint.modelVersion,
      thresholds: thresholds, inputLongSide: fingerprint.inputLongSide,
      minimumConfidence: fingerprint.minimumConfidence, started: now, finished: now,
      seconds: seconds)
    return try ScanOutputs.write(outcomes: outcomes, context: context, directory: directory)
  }

  /// Re-derives the alerts (and rewrites every output) with new thresholds, without running the
  /// network: the stored detections are kept down to the scan's minimum confidence.
  public func rethreshold(_ newThresholds: AlertThresholds) throws -> [AlertSummaryLine] {
    try Self.writeScanFolder(
      directory: directory, fingerprint: fingerprint, outcomes: outcomes,
      thresholds: newThresholds, seconds: seconds)
  }
}
