import Formats
import Foundation
import LookoutCore
import LookoutSystem

/// Writes `detections.json`, `alerts.jsonl`, `alerts.csv` and `summary.json` one outcome at a
/// time, so memory does not grow with the card: each image's records are encoded and buffered
/// to disk as they come, and only counts (and one short line per alert, for the terminal) are
/// kept. Alerts are one per event (``EventAlerts``: each alerting event's best record and its
/// alerting files are kept until ``stage()`` writes them), or one per image as they come with
/// ``OutputContext/perImageAlerts``.
///
/// All four files are written in full and fsynced under `.lookout/staging/` (``stage()``), and
/// only then renamed over the old ones (``commit()``): a full disk or a file-size limit fails
/// before any output is replaced, so the folder keeps the previous run's complete set of outputs
/// and a reader never sees half a file. The alert settings they were written with
/// (``AlertingRecord``) are staged and moved into `.lookout/` with them.
///
/// Outcomes must be added sorted by file (UTF-8 bytes), the order detections.json lists images in.
final class ScanOutputWriter {
  static let fileNames = ["detections.json", "alerts.jsonl", "alerts.csv", "summary.json"]

  private let context: OutputContext
  private let alerting: AlertingSettings
  private let directory: String
  private let staging: String
  private let detections: StreamingFileWriter
  private let alertLines: StreamingFileWriter
  private let alertRows: StreamingFileWriter
  private var encoder = MegaDetectorStreamEncoder()
  /// The counts for summary.json; failures by the code their reason starts with
  /// (`truncated`, `decode_error`).
  private var tally: RunSummary.Tally
  private var summaries = AlertSummary()
  /// The alerts of the events still open, each written once its event's last frame was added;
  /// unused with ``OutputContext/perImageAlerts``.
  private var eventAlerts = EventAlerts()
  /// The static detections and the alerts they would have raised, per camera.
  private(set) var heldBackAsStatic = RunSummary.HeldBackAsStatic()
  /// The open events with a frame whose alert was held back as static, by the index of the
  /// event's last image (file order), then id → camera key; once that image is added, those that
  /// no other frame alerts for are counted as held back.
  private var eventsHeldBack: [Int: [String: String]] = [:]
  /// The first ``FailedImage/shownCount`` images that failed, for the terminal.
  private(set) var firstFailures: [FailedImage] = []

  /// Images that failed so far.
  var failures: Int { tally.images - tally.imagesOK }
  /// How many of the outcomes added are video clips.
  var clips: Int { tally.clips }

  /// Outputs for `directory`, whose alerts are placed and thresholded per site with `alerting`
  /// (which is kept in its `.lookout/`); `context` gives everything else.
  init(context: OutputContext, alerting: AlertingSettings, directory: String) throws(ScanError) {
    var context = context
    context.overrides = alerting.overrides
    context.locator = alerting.locator
    self.context = context
    self.alerting = alerting
    self.directory = directory
    staging = directory + "/.lookout/staging"
    try OutputFiles.makeDirectory(staging)
    let thresholds = ScanOutputs.thresholdDictionary(context.thresholds)
    tally = RunSummary.Tally(
      detectionThreshold: ScanOutputs.decimal(context.minimumConfidence),
      alertClasses: thresholds.keys, failuresByCode: true, countsAtThresholds: true)
    func open(_ name: String) throws(ScanError) -> StreamingFileWriter {
      do {
        return try StreamingFileWriter(path: "\(directory)/.lookout/staging/\(name)")
      } catch {
        throw .outputFile(path: directory + "/" + name, cause: error)
      }
    }
    detections = try open("detections.json")
    alertLines = try open("alerts.jsonl")
    alertRows = try open("alerts.csv")
    var info = RunInfo(
      detector: "\(context.modelName) v\(context.modelVersion)",
      detectionCompletionTime: Timestamp.iso8601UTC(context.finished),
      detectorVersion: context.modelVersion,
      typicalDetectionThreshold: ScanOutputs.decimal(
        min(context.thresholds.person, context.thresholds.vehicle)),
      conservativeDetectionThreshold: ScanOutputs.decimal(context.minimumConfidence),
      lookout: LookoutRunInfo(
        modelVersion: context.modelVersion, inputSize: context.inputLongSide,
        classThresholds: thresholds, eventGapSeconds: context.eventGapSeconds))
    info.lookout?.perImageAlerts = context.perImageAlerts
    info.lookout?.staticRule = context.staticRule
    try write(encoder.header(info: info), to: detections, name: "detections.json")
    let header = context.perImageAlerts ? AlertEncoding.csvHeader : AlertEncoding.eventCSVHeader
    try write(Array((header + "\r\n").utf8), to: alertRows, name: "alerts.csv")
  }

  /// Adds one image: its detections.json record (with its `event`), its alert if it raises
  /// one, and its counts. `statics` are its static detections (indices into its outcome's) and
  /// its camera: they are marked, and raise no alert.
  ///
  /// `index` is the image's index in file order and `eventEnd` that of its event's last image;
  /// the alerts of the events complete by then are written.
  func add(
    _ outcome: ImageOutcome, index: Int, event: ImageEvent? = nil, eventEnd: Int,
    statics: (camera: String, detections: Set<Int>)? = nil
  ) throws(ScanError) {
    try addImage(outcome, event: event, eventEnd: eventEnd, statics: statics)
    try finishEvents(through: index)
  }

  private func addImage(
    _ outcome: ImageOutcome, event: ImageEvent?, eventEnd: Int,
    statics: (camera: String, detections: Set<Int>)?
  ) throws(ScanError) {
    var image = ScanOutputs.imageRecord(outcome)
    image.event = event
    if let statics, var records = image.detections {
      for index in statics.detections where index < records.count {
        records[index].isStatic = true
      }
      image.detections = records
      heldBackAsStatic.add(camera: statics.camera, detections: statics.detections.count)
    }
    // A clip by its name: a clip that failed has no frame rate.
    tally.add(image, isClip: VideoScan.isVideoName(outcome.file))
    if image.failure != nil, firstFailures.count < FailedImage.shownCount {
      firstFailures.append(FailedImage(outcome))
    }
    try write(encoder.image(image), to: detections, name: "detections.json")
    guard let detected = outcome.detections else { return }
    // One place per image (deployment match, protected areas) for its counts and its alert.
    let place = context.locator.place(relativePath: outcome.file, outcome: outcome)
    let rule = context.alertRule
    countAtThresholds(detected, thresholds: rule.thresholds(at: place))
    var alerting = outcome
    if let statics {
      alerting.detections = detected.enumerated().filter { !statics.detections.contains($0.offset) }
        .map(\.element)
    }
    guard let alert = rule.alert(for: alerting, at: place) else {
      if let statics, rule.alert(for: outcome, at: place) != nil {
        if context.perImageAlerts || event == nil {
          heldBackAsStatic.add(camera: statics.camera, alerts: 1)
        } else if let event {
          eventsHeldBack[eventEnd, default: [:]][event.id] = statics.camera
        }
      }
      return
    }
    if context.perImageAlerts {
      try writeAlert(alert)
    } else {
      eventAlerts.add(alert, event: event, completeAt: eventEnd)
    }
  }

  /// Counts the held-back events complete at `index` that no frame alerted for, then writes the
  /// alerts of the events complete by then.
  private func finishEvents(through index: Int) throws(ScanError) {
    if let held = eventsHeldBack.removeValue(forKey: index) { countHeldBack(held) }
    for alert in eventAlerts.takeCompleted(through: index) { try writeAlert(alert) }
  }

  /// Counts as held back the events of `held` (id → camera key) that no frame alerted for.
  private func countHeldBack(_ held: [String: String]) {
    for (id, camera) in held where !eventAlerts.alerts(event: id) {
      heldBackAsStatic.add(camera: camera, alerts: 1)
    }
  }

  /// Counts an image's detections that reach `thresholds`, those in force at its place.
  private func countAtThresholds(_ detections: [StoredDetection], thresholds: AlertThresholds) {
    for detection in detections {
      guard let c = detection.detectionClass, detection.confidence >= thresholds.threshold(for: c)
      else { continue }
      tally.countAtThreshold(c)
    }
  }

  /// Writes one alert line and row, and counts it.
  private func writeAlert(_ alert: AlertRecord) throws(ScanError) {
    tally.add(alert)
    summaries.add(
      AlertSummaryLine(
        file: alert.file, labels: alert.labels, confidence: alert.bestConfidence,
        frames: alert.event?.files.count))
    try write(Array((AlertEncoding.jsonLine(alert) + "\n").utf8), to: alertLines, name: "alerts.jsonl")
    try write(Array((AlertEncoding.csvRow(alert) + "\r\n").utf8), to: alertRows, name: "alerts.csv")
  }

  /// Adds every image of the compacted checkpoint at `path` (staged, in file order), each with
  /// its event from `events` and its static detections from `statics`, reading one line at a
  /// time.
  func addAll(
    fromCheckpoint path: String, events: CardEvents, statics: StaticMarks = .none
  ) throws(ScanError) {
    let decoder = JSONDecoder()
    var index = 0
    var failure: ScanError?
    do {
      try JSONLinesStreamReader.forEachLine(path: path) { _, line in
        do throws(ScanError) {
          guard let outcome = try? decoder.decode(ImageOutcome.self, from: Data(line)) else {
            throw .outputUnwritable(path: path, reason: "line \(index + 1) is not an outcome")
          }
          let marked: (camera: String, detections: Set<Int>)?
          do throws(FileIOError) {
            marked = try statics.detections(at: index)
          } catch {
            throw .outputFile(error)
          }
          try add(
            outcome, index: index, event: events.event(at: index),
            eventEnd: events.lastImageOfEvent(at: index), statics: marked)
          index += 1
          return true
        } catch {
          failure = error
          return false
        }
      }
    } catch {
      throw .outputFile(path: path, cause: error)
    }
    if let failure { throw failure }
  }

  /// Finishes the four files and the alert settings in the staging folder (fsynced), replacing
  /// nothing yet.
  func stage() throws(ScanError) {
    // Every event is complete once the last image was added; nothing should be left here.
    for held in eventsHeldBack.values { countHeldBack(held) }
    eventsHeldBack = [:]
    for alert in eventAlerts.takeAll() { try writeAlert(alert) }
    try write(encoder.footer(), to: detections, name: "detections.json")
    var summary = RunSummary(
      tally: tally, seconds: context.seconds, modelVersion: context.modelVersion,
      thresholds: ScanOutputs.thresholdDictionary(context.thresholds),
      startedAt: Timestamp.iso8601UTC(context.started),
      finishedAt: Timestamp.iso8601UTC(context.finished))
    summary.notScanned = context.notScanned.map {
      RunSummary.NotScanned(path: $0.relativePath, reason: $0.reason)
    }
    summary.heldBackAsStatic = heldBackAsStatic
    summary.skipped = context.skipped.map {
      RunSummary.Skipped(path: $0.relativePath, kind: $0.kind.rawValue)
    }
    for (writer, name) in [
      (detections, "detections.json"), (alertLines, "alerts.jsonl"), (alertRows, "alerts.csv"),
    ] {
      do {
        try writer.finish()
      } catch {
        throw .outputFile(path: directory + "/" + name, cause: error)
      }
    }
    do {
      try AtomicFileWriter.write(summary.encode(), to: staging + "/summary.json")
    } catch {
      throw .outputFile(path: directory + "/summary.json", cause: error)
    }
    try AlertingRecord.stage(alerting, in: staging, directory: directory + "/.lookout")
  }

  /// Renames the staged files over the outputs and returns the alerts, briefly.
  func commit() throws(ScanError) -> AlertSummary {
    try AlertingRecord.commit(alerting, from: staging, directory: directory + "/.lookout")
    OutputFiles.syncDirectory(directory + "/.lookout")
    for name in Self.fileNames {
      try OutputFiles.moveIntoPlace(staging + "/" + name, at: directory + "/" + name)
    }
    OutputFiles.syncDirectory(directory)
    return summaries
  }

  private func write(
    _ bytes: [UInt8], to writer: StreamingFileWriter, name: String
  ) throws(ScanError) {
    do {
      try writer.write(bytes)
    } catch {
      // Named as the output it would have become: that is the file the user knows.
      throw .outputFile(path: directory + "/" + name, cause: error)
    }
  }
}
