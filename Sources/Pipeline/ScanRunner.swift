import Detector
import Dispatch
import Foundation
import Synchronization

/// What a finished scan reports back to the command line.
public struct ScanReport: Sendable {
  public var images: Int
  public var scannedNow: Int
  public var reused: Int
  public var failures: Int
  public var alerts: [AlertSummaryLine]
  /// Folders that could not be entered, entries that could not be examined (their images are
  /// missing from the outputs; summary.json lists them as not_scanned).
  public var folderProblems: [WalkProblem]
  public var seconds: Double
  public var outputDirectory: String
}

/// One alert, briefly, for the terminal.
public struct AlertSummaryLine: Sendable {
  public var file: String
  public var labels: [String]
  public var confidence: Double
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

  public init(configuration: ScanConfiguration, stop: StopSignal = StopSignal()) {
    self.configuration = configuration
    self.stop = stop
  }

  public func run() throws(ScanError) -> ScanReport {
    let started = Date()
    let clock = DispatchTime.now()
    let config = configuration
    // Read before any work, so a bad file stops the run at once. Not part of the fingerprint:
    // alerts are derived when the outputs are written, which a resume does again.
    let alerting = try AlertingSettings.read(
      siteThresholds: config.configThresholds.sites, deploymentsPath: config.deploymentsPath,
      areasPath: config.areasPath)
    let model = try ModelBundle.load(directory: config.modelDirectory, name: config.modelName)
    // The sites' own were checked above; what is left to refuse is a class's.
    if let invalid = config.configThresholds.firstInvalidEntry { throw .invalidThreshold(invalid) }
    var thresholds = config.configThresholds.resolved(
      defaults: config.thresholds ?? model.defaultThresholds, site: nil)
    for text in config.thresholdOverrides where !thresholds.apply(override: text) {
      throw .invalidThreshold(text)
    }

    var (files, problems) = try CardWalker().walk(root: config.input)
    if let shard = config.shard {
      files = files.filter { shard.contains(relativePath: $0.relativePath) }
    }
    // Scanned, checkpointed and written in the order detections.json lists images (by path,
    // UTF-8 bytes), so outputs can be streamed straight from the compacted checkpoint.
    files.sort { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
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
      shard: config.shard?.description)
    let checkpoint = ScanCheckpoint(outputDirectory: config.output)
    if checkpoint.exists && !config.overwrite {
      guard config.resume else { throw .unfinishedScanPresent(path: config.output) }
      try checkpoint.resume(fingerprint: fingerprint)
    } else {
      try checkpoint.start(fingerprint: fingerprint)
    }
    let pending = files.filter { !checkpoint.hasCurrentOutcome(for: $0) }

    let scannedNow = try process(pending, model: model.detector, checkpoint: checkpoint)
    if stop.isRequested {
      checkpoint.close()
      throw .interrupted(completed: files.count - pending.count + scannedNow,
        remaining: pending.count - scannedNow)
    }

    // One streaming pass: each image's outcome is read back from the checkpoint, copied to the
    // compacted checkpoint and encoded into every output; memory does not grow with the card.
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - clock.uptimeNanoseconds) / 1e9
    let context = OutputContext(
      modelName: model.detector.name, modelVersion: model.detector.version,
      thresholds: thresholds, inputLongSide: config.image.detection.inputLongSide,
      minimumConfidence: config.image.detection.minimumConfidence, started: started,
      finished: Date(), seconds: seconds, notScanned: problems)
    let outputs = try ScanOutputWriter(
      context: context, alerting: alerting, directory: config.output)
    try checkpoint.compact(files: files) { outcome throws(ScanError) in
      try outputs.add(outcome)
    }
    try outputs.stage()
    try checkpoint.commitCompaction()
    let alerts = try outputs.commit()
    return ScanReport(
      images: files.count, scannedNow: scannedNow, reused: files.count - pending.count,
      failures: outputs.failures, alerts: alerts, folderProblems: problems,
      seconds: seconds, outputDirectory: config.output)
  }

  /// The concurrent part: `jobs` lanes pull the next image index, scan it, and hand the outcome
  /// to the writer queue, which appends outcomes to the checkpoint strictly in index order.
  /// Returns how many images were checkpointed.
  private func process(
    _ pending: [CardFile], model: DetectorModel, checkpoint: ScanCheckpoint
  ) throws(ScanError) -> Int {
    let lanes = max(1, configuration.jobs)
    let window = DispatchSemaphore(value: 2 * lanes)
    let nextIndex = Mutex(0)
    let writer = OrderedWriter(
      checkpoint: checkpoint, window: window,
      progress: ProgressReporter(total: pending.count, quiet: configuration.quiet), stop: stop)
    let settings = configuration.image
    let stop = self.stop
    DispatchQueue.concurrentPerform(iterations: lanes) { _ in
      let scanner = ImageScanner(model: model, settings: settings)
      while true {
        window.wait()
        let index = nextIndex.withLock { value -> Int in
          defer { value += 1 }
          return value
        }
        guard index < pending.count, !stop.isRequested else {
          window.signal()
          return
        }
        let outcome = scanner.scan(pending[index])
        writer.submit(index: index, outcome: outcome)
      }
    }
    return try writer.finish()
  }
}

/// The write stage: a serial queue that re-orders outcomes and appends them to the checkpoint.
private final class OrderedWriter: @unchecked Sendable {
  private let queue = DispatchQueue(label: "lookout.writer")
  private let checkpoint: ScanCheckpoint
  private let window: DispatchSemaphore
  private let progress: ProgressReporter
  private let stop: StopSignal
  // Touched only on `queue`.
  private var waiting: [Int: ImageOutcome] = [:]
  private var nextToWrite = 0
  private var written = 0
  private var failure: ScanError?

  init(
    checkpoint: ScanCheckpoint, window: DispatchSemaphore, progress: ProgressReporter,
    stop: StopSignal
  ) {
    self.checkpoint = checkpoint
    self.window = window
    self.progress = progress
    self.stop = stop
  }

  func submit(index: Int, outcome: ImageOutcome) {
    queue.async { [self] in
      waiting[index] = outcome
      while let ready = waiting.removeValue(forKey: nextToWrite) {
        nextToWrite += 1
        if failure == nil {
          do throws(ScanError) {
            try checkpoint.append(ready)
            written += 1
            progress.advance(failed: ready.failed)
          } catch {
            failure = error
            stop.request()
          }
        }
        window.signal()
      }
    }
  }

  /// Waits for the queue and returns how many outcomes were checkpointed.
  func finish() throws(ScanError) -> Int {
    let (count, error) = queue.sync { (written, failure) }
    progress.finish()
    if let error { throw error }
    return count
  }
}
