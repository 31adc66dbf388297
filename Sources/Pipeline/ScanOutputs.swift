import Formats
import Foundation
import LookoutCore
import LookoutSystem
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What the output files say about the run besides the images themselves, and how its alerts
/// are placed. `lookout watch` builds one per image too, to turn an outcome into an alert exactly
/// as `scan` does.
public struct OutputContext: Sendable {
  public var modelName: String
  public var modelVersion: String
  /// The class thresholds (the model's defaults with any overrides): what detections.json and
  /// summary.json report, and what ``overrides`` are applied over.
  public var thresholds: AlertThresholds
  public var inputLongSide: Int
  public var minimumConfidence: Float
  public var started: Date
  public var finished: Date
  public var seconds: Double
  /// What the walk found but could not scan (summary.json's `not_scanned`).
  public var notScanned: [WalkProblem]
  /// The files on the card that are not images (summary.json's `skipped`).
  public var skipped: [SkippedFile] = []
  /// Thresholds over ``thresholds``, per class and per site, resolved for each image's site
  /// (``LookoutCore/ClassThresholds/resolved(defaults:site:)``).
  public var overrides: ClassThresholds
  /// Where each image was taken: site, camera, position and protected areas.
  public var locator: ImageLocator
  /// The gap in seconds above which a camera's next image starts a new event (``EventGrouper``).
  public var eventGapSeconds: Int = OutputContext.defaultEventGapSeconds
  /// One alert per image (`--per-image-alerts`) instead of one per event (``EventAlerts``).
  public var perImageAlerts = false
  /// When a detection is static scenery, marked and not alerted on (``StaticDetectionFinder``).
  public var staticRule = StaticRule.standard

  /// The event gap when none is given: 60 seconds.
  public static let defaultEventGapSeconds = 60

  public init(
    modelName: String, modelVersion: String, thresholds: AlertThresholds, inputLongSide: Int,
    minimumConfidence: Float, started: Date, finished: Date, seconds: Double,
    notScanned: [WalkProblem] = [], overrides: ClassThresholds = ClassThresholds(),
    locator: ImageLocator = ImageLocator()
  ) {
    self.modelName = modelName
    self.modelVersion = modelVersion
    self.thresholds = thresholds
    self.inputLongSide = inputLongSide
    self.minimumConfidence = minimumConfidence
    self.started = started
    self.finished = finished
    self.seconds = seconds
    self.notScanned = notScanned
    self.overrides = overrides
    self.locator = locator
  }

  /// The alert rule these outputs are derived with: ``modelVersion``, ``thresholds`` and
  /// ``overrides``.
  public var alertRule: AlertRule {
    AlertRule(modelVersion: modelVersion, defaults: thresholds, overrides: overrides)
  }
}

/// How outcomes become output records: detections.json images, alerts, summary counts. The
/// files themselves are written by ``ScanOutputWriter``.
///
/// Everything except the timing fields is a pure function of the outcomes and thresholds, which
/// is what makes a resumed scan's outputs equal an uninterrupted one's.
public enum ScanOutputs {
  /// The capture time with its UTC offset: the camera's own (EXIF OffsetTimeOriginal), else the
  /// `timezone_offset` of the image's deployment, else none.
  static func capturedAt(_ outcome: ImageOutcome, place: ImagePlace) -> String? {
    if let local = outcome.capturedLocal, outcome.capturedOffset == nil,
      let minutes = place.deployment?.timezoneOffsetMinutes
    {
      return local + Timestamp.offsetText(minutes: minutes)
    }
    return outcome.capturedAt
  }

  /// Degrees to 7 decimals (about 1 cm): EXIF stores degrees, minutes and seconds as
  /// rationals, and summing them leaves float noise (`-19.210169999999998`) no GPS can mean.
  static func coordinate(_ degrees: Double) -> Double {
    degrees.isFinite ? PythonFloat.round(degrees, digits: 7) : degrees
  }

  /// Altitude to the millimetre, for the same reason.
  static func metres(_ value: Double) -> Double {
    value.isFinite ? PythonFloat.round(value, digits: 3) : value
  }

  static func thresholdDictionary(_ t: AlertThresholds) -> [String: Double] {
    Dictionary(
      uniqueKeysWithValues: DetectionClass.allCases.map {
        ($0.name, decimal(t.threshold(for: $0)))
      })
  }

  /// The Double that prints like the Float (0.42, not 0.41999998688697815).
  static func decimal(_ value: Float) -> Double { Double(value.description) ?? Double(value) }

  static func imageRecord(_ outcome: ImageOutcome) -> ImageRecord {
    guard let detections = outcome.detections else {
      return .failed(
        file: outcome.file,
        reason: "\(outcome.failureCode ?? "unknown"): \(outcome.failureReason ?? "not processed")")
    }
    var record = ImageRecord(
      file: outcome.file,
      detections: detections.map {
        DetectionRecord(
          category: $0.classIndex + 1, confidence: Double($0.confidence),
          bbox: $0.box.map(Double.init), frameNumber: $0.frameNumber)
      },
      failure: nil, width: outcome.width, height: outcome.height,
      datetime: outcome.capturedLocal.map(megaDetectorDateTime))
    record.frameRate = outcome.frameRate
    record.framesProcessed = outcome.framesProcessed
    return record
  }

  /// `2024:05:01 06:12:09` (EXIF style, as MegaDetector writes it) from `2024-05-01T06:12:09`.
  static func megaDetectorDateTime(_ iso: String) -> String {
    let parts = iso.split(separator: "T", maxSplits: 1)
    guard parts.count == 2 else { return iso }
    return parts[0].replacingOccurrences(of: "-", with: ":") + " " + parts[1]
  }

  /// The alert an image raises, if any (see ``placedAlert(for:context:)``).
  public static func alert(for outcome: ImageOutcome, context: OutputContext) -> AlertRecord? {
    placedAlert(for: outcome, context: context)?.record
  }

  /// The alert an image raises, if any, with the image's place (``ImageLocator``): the
  /// context's ``OutputContext/alertRule`` at the place its ``OutputContext/locator`` finds.
  public static func placedAlert(
    for outcome: ImageOutcome, context: OutputContext
  ) -> (record: AlertRecord, place: ImagePlace)? {
    guard outcome.detections != nil else { return nil }
    let place = context.locator.place(relativePath: outcome.file, outcome: outcome)
    guard let record = context.alertRule.alert(for: outcome, at: place) else { return nil }
    return (record, place)
  }
}

/// Output-folder helpers that turn file errors into `ScanError`s.
enum OutputFiles {
  static func makeDirectory(_ path: String) throws(ScanError) {
    do {
      try PathCall.makeDirectories(path)
    } catch {
      throw .outputFile(
        path: path, cause: FileIOError(path: path, step: .createDirectory, errno: error))
    }
  }

  static func writeAtomically(_ bytes: [UInt8], to path: String) throws(ScanError) {
    do {
      try AtomicFileWriter.write(bytes, to: path)
    } catch {
      throw .outputFile(path: path, cause: error)
    }
  }

  /// Removes `<directory>/.lookout/staging/` and what is in it: the half-written files of a run
  /// that failed (a full disk) are never outputs, only clutter. Best effort.
  static func removeStaging(of directory: String) {
    try? FileManager.default.removeItem(atPath: directory + "/.lookout/staging")
  }

  /// `rename(2)`, which needs no space and so cannot fail for a full disk.
  static func moveIntoPlace(_ source: String, at target: String) throws(ScanError) {
    do {
      try PathCall.rename(source, to: target)
    } catch {
      throw .outputFile(path: target, cause: FileIOError(path: target, step: .rename, errno: error))
    }
  }

  /// Makes renames in `directory` durable; best effort (some file systems refuse it).
  static func syncDirectory(_ directory: String) {
    try? FileDescriptor.synchronizeDirectory(atPath: directory)
  }

  /// The files a scan writes atomically (outputs, checkpoint, fingerprint, alert settings).
  static let ownFiles = Set([
    "detections.json", "alerts.jsonl", "alerts.csv", "summary.json", "checkpoint.jsonl",
    "run.json",
  ]).union(AlertingRecord.fileNames)

  /// Removes temporary files of the scan's own files (`<name>.tmp-<pid>-<hex>`, as
  /// `AtomicFileWriter` makes them) that a killed run left in `directory`, when the process
  /// that made them is gone. Other files are never touched.
  static func removeStaleTemporaries(in directory: String) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
      return
    }
    for name in names {
      guard let range = name.range(of: ".tmp-"),
        ownFiles.contains(String(name[..<range.lowerBound]))
      else { continue }
      let parts = name[range.upperBound...].split(separator: "-")
      guard parts.count == 2, let pid = Int32(parts[0]), pid != getpid(),
        kill(pid, 0) != 0, errno == ESRCH
      else { continue }
      try? PathCall.removeFile(directory + "/" + name)
    }
  }
}
