import Foundation
import Formats
import LookoutCore
import LookoutSystem

/// A finished scan's output folder read back: its settings, where each image's outcome lies in
/// its compacted checkpoint, and the thresholds, alert settings (`.lookout/alerting.json`) and
/// timing its outputs were written with.
/// Merging shards and re-thresholding both start from this, and both stream the outcomes from
/// the checkpoint, so neither holds a card's outcomes in memory.
public struct FinishedScan: Sendable {
  public var directory: String
  public var fingerprint: ScanFingerprint
  /// Each image's outcome line in ``checkpointPath``, in file order.
  public var index: CheckpointIndex
  /// The class thresholds.
  public var thresholds: AlertThresholds
  /// Per-site thresholds, deployments and protected areas.
  public var alerting: AlertingSettings
  public var seconds: Double
  /// The files that are not images, as its summary.json lists them under `skipped`.
  public var skipped: [SkippedFile] = []
  /// The gap that cut its images into events (`event_gap_seconds` in detections.json; the
  /// default for a scan written before events).
  public var eventGapSeconds = OutputContext.defaultEventGapSeconds
  /// Whether its alerts are one per image (`per_image_alerts` in detections.json), not one per
  /// event.
  public var perImageAlerts = false
  /// The static rule its detections were marked with (`keep_static` or `static_rule` in
  /// detections.json; the default when neither is there).
  public var staticRule = StaticRule.standard

  /// Reads `directory`; throws `MergeError.unfinished` when it holds no finished scan.
  public static func load(directory: String) throws -> FinishedScan {
    let fingerprint = try ScanCheckpoint.readFingerprint(directory: directory + "/.lookout")
    // Only its `info` is read: the images come from the checkpoint, and a large card's
    // detections.json would take several times its size in memory if parsed whole.
    let info: RunInfo
    do {
      info = try MegaDetectorOutput.readInfo(path: directory + "/detections.json").info
    } catch {
      if case .file(let failure) = error, failure.code == ENOENT {
        throw MergeError.unfinished(path: directory, reason: "no detections.json")
      }
      throw error
    }
    let stored = info.lookout?.classThresholds ?? [:]
    func threshold(_ name: String, _ fallback: Float) -> Float {
      stored[name].map(Float.init) ?? fallback
    }
    var thresholds = ModelBundle.fallbackThresholds
    for c in DetectionClass.allCases {
      thresholds.set(c, to: threshold(c.name, thresholds.threshold(for: c)))
    }
    var seconds = 0.0
    var skipped: [SkippedFile] = []
    if let bytes = FileManager.default.contents(atPath: directory + "/summary.json"),
      let summary = try? JSONParser.parse(Array(bytes))
    {
      seconds = summary["seconds"]?.doubleValue ?? 0
      for file in summary["skipped"]?["files"]?.arrayValue ?? [] {
        guard let path = file["path"]?.stringValue,
          let kind = file["kind"]?.stringValue.flatMap(SkippedFile.Kind.init(rawValue:))
        else { continue }
        skipped.append(SkippedFile(relativePath: path, kind: kind))
      }
    }
    let alerting = try AlertingRecord.load(directory: directory + "/.lookout", scan: directory)
    let index = try CheckpointIndex.read(path: directory + "/.lookout/checkpoint.jsonl")
    var scan = FinishedScan(
      directory: directory, fingerprint: fingerprint, index: index, thresholds: thresholds,
      alerting: alerting, seconds: seconds, skipped: skipped)
    if let gap = info.lookout?.eventGapSeconds { scan.eventGapSeconds = gap }
    scan.perImageAlerts = info.lookout?.perImageAlerts ?? false
    scan.staticRule = info.lookout?.staticRule ?? .standard
    return scan
  }

  /// The number of images in the scan, clips included.
  public var imageCount: Int { index.count }

  /// How many of the scan's images are video clips (by name, as the scan counted them).
  public var clipCount: Int {
    (0..<index.count).count { VideoScan.isVideoName(index.file(at: $0)) }
  }

  /// The compacted checkpoint the outcomes are read from.
  public var checkpointPath: String { directory + "/.lookout/checkpoint.jsonl" }

  /// Writes the outputs for the outcomes of `scans` with `thresholds` and `alerting`, plus a
  /// checkpoint and settings files, so the folder reads back like a scan's (it can be merged,
  /// re-thresholded or resumed). Outcomes are streamed from the scans' checkpoints in file
  /// order; a file in more than one scan is taken from the last. `directory` may be one of the
  /// scans' own folders.
  static func writeScanFolder(
    directory: String, fingerprint: ScanFingerprint, scans: [FinishedScan],
    thresholds: AlertThresholds, alerting: AlertingSettings, seconds: Double,
    eventGapSeconds: Int, perImageAlerts: Bool, staticRule: StaticRule = .standard
  ) throws -> AlertSummary {
    try OutputFiles.makeDirectory(directory + "/.lookout")
    let items = CheckpointIndex.mergedItems(scans.map(\.index))
    let now = Date()
    var context = OutputContext(
      modelName: fingerprint.modelName, modelVersion: fingerprint.modelVersion,
      thresholds: thresholds, inputLongSide: fingerprint.inputLongSide,
      minimumConfidence: fingerprint.minimumConfidence, started: now, finished: now,
      seconds: seconds)
    // The scans' files that are not images, each once, in path order.
    var skipped: [String: SkippedFile] = [:]
    for scan in scans { for file in scan.skipped { skipped[file.relativePath] = file } }
    context.skipped = skipped.values.sorted {
      $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8)
    }
    context.eventGapSeconds = eventGapSeconds
    context.perImageAlerts = perImageAlerts
    context.staticRule = staticRule
    do throws(ScanError) {
      // As a scan does: the events are found while the checkpoint is compacted, then the
      // outputs are written from the compacted checkpoint.
      let checkpoint = ScanCheckpoint(outputDirectory: directory)
      let staged = checkpoint.stagedCheckpointPath
      var grouping = CardGrouping(
        gapSeconds: eventGapSeconds, staticRule: staticRule,
        alertRule: AlertRule(
          modelVersion: fingerprint.modelVersion, defaults: thresholds,
          overrides: alerting.overrides),
        locator: alerting.locator, spillDirectory: checkpoint.stagingDirectory)
      try ScanCheckpoint.writeCompacted(
        items, sources: scans.map(\.checkpointPath), to: staged
      ) { outcome throws(ScanError) in
        try grouping.add(outcome)
      }
      let outputs = try ScanOutputWriter(
        context: context, alerting: alerting, directory: directory)
      let (events, statics) = try grouping.finish()
      try outputs.addAll(fromCheckpoint: staged, events: events, statics: statics)
      try outputs.stage()
      try OutputFiles.writeAtomically(
        ScanCheckpoint.encode(fingerprint), to: checkpoint.fingerprintPath)
      try checkpoint.commitCompaction()
      return try outputs.commit()
    } catch {
      // What was half written under staging (a full disk) is no output.
      OutputFiles.removeStaging(of: directory)
      throw error
    }
  }

  /// Re-derives the alerts (and rewrites every output) with new class thresholds, without
  /// running the network: the stored detections are kept down to the scan's minimum confidence.
  /// The scan's per-site thresholds, deployments, protected areas and event gap still apply,
  /// unless `eventGapSeconds` gives another gap, and so does its static rule unless
  /// `staticRule` gives another.
  public func rethreshold(
    _ newThresholds: AlertThresholds, eventGapSeconds: Int? = nil, staticRule: StaticRule? = nil
  ) throws -> AlertSummary {
    try Self.writeScanFolder(
      directory: directory, fingerprint: fingerprint, scans: [self], thresholds: newThresholds,
      alerting: alerting, seconds: seconds,
      eventGapSeconds: eventGapSeconds ?? self.eventGapSeconds, perImageAlerts: perImageAlerts,
      staticRule: staticRule ?? self.staticRule)
  }

  /// What the static rule held back in the outputs in `directory` (summary.json's
  /// `held_back_as_static`); empty when it held back nothing.
  public static func heldBackAsStatic(directory: String) -> RunSummary.HeldBackAsStatic {
    guard let bytes = FileManager.default.contents(atPath: directory + "/summary.json"),
      let summary = try? JSONParser.parse(Array(bytes)),
      let member = summary["held_back_as_static"]
    else { return RunSummary.HeldBackAsStatic() }
    return RunSummary.HeldBackAsStatic(jsonValue: member) ?? RunSummary.HeldBackAsStatic()
  }
}
