import Detector
import Dispatch
import Formats
import Foundation
import LookoutCore
import LookoutSystem

/// What a finished scan reports back to the command line.
public struct ScanReport: Sendable {
  /// The files scanned or taken from the checkpoint: photos and video clips.
  public var images: Int
  /// How many of ``images`` are video clips.
  public var clips = 0
  public var scannedNow: Int
  public var reused: Int
  public var failures: Int
  public var alerts: AlertSummary
  /// Folders that could not be entered, entries that could not be examined (their images are
  /// missing from the outputs; summary.json lists them as not_scanned).
  public var folderProblems: [WalkProblem]
  public var seconds: Double
  public var outputDirectory: String
  /// The first images that failed (at most ``FailedImage/shownCount``; ``failures`` counts all).
  public var firstFailures: [FailedImage]
  /// The files of this scan (or shard) that are not images (summary.json's `skipped`).
  public var skipped: [SkippedFile]
  /// The images the walk found on the whole card, before any shard was taken: 0 means the
  /// input holds no image at all (an empty folder, a card that is not mounted, a wrong path).
  public var imagesFound: Int
  /// Images placed at no site, and at no camera (no deployment, `--site`/`--camera`, EXIF
  /// camera id or folder named one).
  public var imagesWithoutSite = 0
  public var imagesWithoutCamera = 0
  /// The detections and alerts the static rule held back, per camera.
  public var heldBackAsStatic = RunSummary.HeldBackAsStatic()
}

/// An image that could not be scanned, and why (`truncated: premature end of JPEG data`).
public struct FailedImage: Sendable, Equatable {
  /// How many failed images the end of a scan names on the terminal; detections.json lists all.
  public static let shownCount = 5

  public var file: String
  /// The decoder's reason, without the file name it starts with (`truncated image: Premature
  /// end of JPEG file`), else the failure's code.
  public var reason: String

  init(_ outcome: ImageOutcome) {
    file = outcome.file
    let reason = outcome.failureReason ?? outcome.failureCode ?? "not processed"
    let prefix = outcome.file + ": "
    self.reason = reason.hasPrefix(prefix) ? String(reason.dropFirst(prefix.count)) : reason
  }
}

/// A scan's alerts for the terminal: how many, and the first ``shownCount`` of them, so that
/// a card where every image alerts keeps no card-sized list.
public struct AlertSummary: Sendable {
  /// How many alerts the end of a scan shows; alerts.csv and alerts.jsonl list all.
  public static let shownCount = 20

  public private(set) var count = 0
  /// The first alerts, in the order they were written.
  public private(set) var shown: [AlertSummaryLine] = []

  public init() {}

  public var isEmpty: Bool { count == 0 }

  /// Counts `line`, and keeps it while fewer than ``shownCount`` are kept.
  mutating func add(_ line: AlertSummaryLine) {
    count += 1
    if shown.count < Self.shownCount { shown.append(line) }
  }
}

/// One alert, briefly, for the terminal.
public struct AlertSummaryLine: Sendable {
  /// The image, or the event's best frame.
  public var file: String
  public var labels: [String]
  public var confidence: Double
  /// For an event's alert, how many of its images alert; nil for a per-image alert.
  public var frames: Int?
}

/// Runs a whole scan: walk, read+decode+infer in `jobs` parallel lanes, and a single writer that
/// checkpoints outcomes in input order, then writes the outputs from the checkpoint.
///
/// Memory stays flat: at most `2 * jobs` images are between "taken" and "checkpointed", and each
/// lane reuses its decoder and inference buffers. Output order never depends on timing because
/// outcomes are re-ordered by input index before they are written.
public final class ScanRunner {
  public let configuration: ScanConfiguration
  public let stop: StopSignal
  private let readCalls: any ImageReadCalls

  /// - Parameter readCalls: the system calls images are read with (a fake in tests).
  public init(
    configuration: ScanConfiguration, stop: StopSignal = StopSignal(),
    readCalls: any ImageReadCalls = SystemReadCalls()
  ) {
    self.configuration = configuration
    self.stop = stop
    self.readCalls = readCalls
  }

  public func run() throws(ScanError) -> ScanReport {
    let started = Date()
    let clock = DispatchTime.now()
    let config = configuration
    // Read before any work, so a bad file stops the run at once. Not part of the fingerprint:
    // alerts are derived when the outputs are written, which a resume does again.
    let alerting = try AlertingSettings.read(
      siteThresholds: config.configThresholds.sites, deploymentsPath: config.deploymentsPath,
      areasPath: config.areasPath, given: ImageOrigin(site: config.site, camera: config.camera))
    let model: ModelBundle
    do {
      model = try ModelBundle.load(directory: config.modelDirectory, name: config.modelName)
    } catch {
      throw .model(error)
    }
    // The sites' own were checked above; what is left to refuse is a class's.
    if let invalid = config.configThresholds.firstInvalidEntry { throw .invalidThreshold(invalid) }
    var thresholds = config.configThresholds.resolved(
      defaults: config.thresholds ?? model.defaultThresholds, site: nil)
    for text in config.thresholdOverrides where !thresholds.apply(override: text) {
      throw .invalidThreshold(text)
    }

    let (files, skipped, problems, imagesFound) = try walk()
    // The walk lists files in the order detections.json lists images (by path, UTF-8 bytes):
    // they are scanned, checkpointed and written in it, so outputs can be streamed straight
    // from the compacted checkpoint.
    try OutputFiles.makeDirectory(config.output)
    // Temporary files of a run that was killed mid-write: never outputs, only clutter.
    OutputFiles.removeStaleTemporaries(in: config.output)
    OutputFiles.removeStaleTemporaries(in: config.output + "/.lookout")
    OutputFiles.removeStaleTemporaries(in: config.output + "/.lookout/staging")

    let fingerprint = ScanFingerprint(
      modelName: model.detector.name, modelVersion: model.detector.version,
      weightsDigest: model.weightsDigest, inputLongSide: config.image.detection.inputLongSide,
      minimumConfidence: config.image.detection.minimumConfidence,
      tile: config.image.tile.description, maxPixels: config.image.maxPixels,
      shard: config.shard?.description, input: Self.canonicalPath(config.input),
      videoFramesPerSecond: config.image.video.flatMap {
        $0.framesPerSecond == 1 ? nil : $0.framesPerSecond
      })
    let checkpoint = ScanCheckpoint(outputDirectory: config.output)
    if checkpoint.exists && !config.overwrite {
      guard config.resume else { throw .unfinishedScanPresent(path: config.output) }
      try checkpoint.resume(fingerprint: fingerprint, output: config.output, files: files)
    } else {
      try checkpoint.start(fingerprint: fingerprint, files: files)
    }
    do {
      return try finish(
        files: files, problems: problems, skipped: skipped, imagesFound: imagesFound,
        checkpoint: checkpoint, model: model.detector, thresholds: thresholds,
        alerting: alerting, started: started, clock: clock)
    } catch {
      // A full disk or a file-size limit: what was half written under staging is no output.
      if case .interrupted = error {} else { OutputFiles.removeStaging(of: config.output) }
      throw error
    }
  }

  /// The card's files (this shard's, with `--shard`), its other files and its walk problems,
  /// and how many files the whole card has to scan. A shard keeps only its own files' paths:
  /// the whole card's list is released when this returns.
  private func walk() throws(ScanError) -> (
    files: CardFileList, skipped: [SkippedFile], problems: [WalkProblem], imagesFound: Int
  ) {
    let config = configuration
    let listing = try CardWalker(scansVideos: config.image.video != nil).list(root: config.input)
    guard let shard = config.shard else {
      return (listing.files, listing.skipped, listing.problems, listing.files.count)
    }
    return (
      listing.files.keeping { shard.contains(relativePath: $0.relativePath) },
      listing.skipped.filter { shard.contains(relativePath: $0.relativePath) },
      listing.problems, listing.files.count
    )
  }

  /// The path with symbolic links, `.` and `..` resolved (`realpath(3)`), so the same folder
  /// named two ways is recognised; the path as given when it cannot be resolved.
  static func canonicalPath(_ path: String) -> String {
    (try? PathCall.resolved(path)) ?? path
  }

  /// Scans what the checkpoint lacks, then writes the outputs.
  private func finish(
    files: CardFileList, problems: [WalkProblem], skipped: [SkippedFile], imagesFound: Int,
    checkpoint: ScanCheckpoint, model: DetectorModel, thresholds: AlertThresholds,
    alerting: AlertingSettings, started: Date, clock: DispatchTime
  ) throws(ScanError) -> ScanReport {
    let config = configuration
    // Indices into `files` (4 bytes each): a card-sized list of files is never copied.
    var pending: [Int32] = []
    pending.reserveCapacity(files.count)
    for index in files.indices where !checkpoint.hasCurrentOutcome(at: index) {
      pending.append(Int32(index))
    }

    let scannedNow = try process(pending, of: files, model: model, checkpoint: checkpoint)
    if stop.isRequested {
      checkpoint.close()
      throw .interrupted(completed: files.count - pending.count + scannedNow,
        remaining: pending.count - scannedNow)
    }

    // Two streaming passes: each image's outcome is read back from the checkpoint and copied
    // to the compacted checkpoint while its camera and time are noted for the events; then the
    // compacted checkpoint is read again and encoded into every output. Only a small record per
    // image is kept, never the outcomes.
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - clock.uptimeNanoseconds) / 1e9
    var context = OutputContext(
      modelName: model.name, modelVersion: model.version,
      thresholds: thresholds, inputLongSide: config.image.detection.inputLongSide,
      minimumConfidence: config.image.detection.minimumConfidence, started: started,
      finished: Date(), seconds: seconds, notScanned: problems)
    context.skipped = skipped
    context.eventGapSeconds = config.eventGapSeconds
    context.perImageAlerts = config.perImageAlerts
    context.staticRule = config.staticRule
    var grouping = CardGrouping(
      gapSeconds: config.eventGapSeconds, staticRule: config.staticRule,
      alertRule: AlertRule(
        modelVersion: model.version, defaults: thresholds, overrides: alerting.overrides),
      locator: alerting.locator, spillDirectory: checkpoint.stagingDirectory)
    var withoutSite = 0
    var withoutCamera = 0
    try checkpoint.compact { outcome throws(ScanError) in
      try grouping.add(outcome)
      let origin = alerting.locator.origin(relativePath: outcome.file, outcome: outcome)
      if origin.site == nil { withoutSite += 1 }
      if origin.camera == nil { withoutCamera += 1 }
    }
    let outputs = try ScanOutputWriter(
      context: context, alerting: alerting, directory: config.output)
    let (events, statics) = try grouping.finish()
    try outputs.addAll(
      fromCheckpoint: checkpoint.stagedCheckpointPath, events: events,
      statics: statics)
    try outputs.stage()
    try checkpoint.commitCompaction()
    let alerts = try outputs.commit()
    return ScanReport(
      images: files.count, clips: outputs.clips, scannedNow: scannedNow,
      reused: files.count - pending.count,
      failures: outputs.failures, alerts: alerts, folderProblems: problems,
      seconds: seconds, outputDirectory: config.output, firstFailures: outputs.firstFailures,
      skipped: skipped, imagesFound: imagesFound, imagesWithoutSite: withoutSite,
      imagesWithoutCamera: withoutCamera, heldBackAsStatic: outputs.heldBackAsStatic)
  }

  /// The concurrent part: `jobs` lanes of a ``LanePool`` scan the images of `files` at the
  /// `pending` indices, and this thread appends their outcomes to the checkpoint strictly in
  /// input order. Returns how many images were checkpointed.
  private func process(
    _ pending: [Int32], of files: CardFileList, model: DetectorModel, checkpoint: ScanCheckpoint
  ) throws(ScanError) -> Int {
    let progress = ProgressReporter(total: pending.count, quiet: configuration.quiet)
    let settings = configuration.image
    let stop = self.stop
    let calls = readCalls
    var written = 0
    var failure: ScanError?
    LanePool(lanes: configuration.jobs).run(
      pending, shouldStop: { stop.isRequested },
      makeLane: { ImageScanner(model: model, settings: settings, calls: calls) },
      work: { scanner, index in scanner.scan(files[Int(index)]) }
    ) { position, outcome in
      do throws(ScanError) {
        try checkpoint.append(outcome, at: Int(pending[position]))
        written += 1
        progress.advance(failed: outcome.failed)
        return true
      } catch {
        failure = error
        return false
      }
    }
    progress.finish()
    if let failure { throw failure }
    return written
  }
}
