import ArgumentParser
import Formats
import Foundation
import LookoutCore
import LookoutSystem
import Pipeline

#if canImport(Glibc)
  import Glibc
#endif

/// `lookout scan`: triage a card or folder once.
struct ScanCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "scan",
    abstract: "Scan a card or folder of images and write detections and alerts.",
    discussion: """
      Writes into the output folder:
        detections.json  MegaDetector batch output (format 1.6)
        alerts.jsonl     one alert per event (a camera's burst) with a person or
                         vehicle above its threshold: best frame, alerting frames
        alerts.csv       the same alerts, for a spreadsheet
        summary.json     counts, failures by reason, timing
      Progress is checkpointed in <out>/.lookout/; after a crash, kill or Ctrl-C, run the same \
      command with --resume to finish without redoing finished images.

      Site and camera of each image, first that names them wins: its deployment \
      (--deployments), then --site and --camera (every image of the scan), then the folder \
      layout <site>/<camera>/.../image.jpg, where a card's own DCIM folder and the NNNXXXXX \
      folder under it (100MEDIA, 101RECNX) name nothing, then the camera id in its EXIF \
      (BodySerialNumber 0xA431, else CameraOwnerName 0xA430; a camera only). A scan that leaves images \
      without a site or camera says so on stderr.

      Where alerts are, as `lookout watch` places them: with --deployments FILE.csv, an image \
      whose path matches a deployment's path_pattern (and whose capture time its start...end \
      covers, when given) takes that deployment's site and camera_id, its latitude and \
      longitude when the image has no EXIF GPS of its own, and its timezone_offset when the \
      camera recorded no UTC offset. With --areas FILE.geojson, each \
      alert's inside_area names the protected area (Polygon or MultiPolygon, by its "name" \
      property) its position is in; every alert is still written. Per-site thresholds from \
      --config ("thresholds": {"sites": {"<site>": {"person": 0.35}}}) apply to that site's \
      images over the class thresholds. These settings are kept in <out>/.lookout/, so \
      `lookout rethreshold` and `lookout merge` derive the same alerts.

      Video clips (.MP4, .AVI, .MOV, .MKV...) are scanned: frames are sampled at --video-fps \
      (and always the first), each runs through the detector, and the clip keeps its best \
      frame per class (detections.json writes frame_rate, frames_processed and each \
      detection's frame_number, as MegaDetector's video tools do). A clip that cannot be \
      decoded (truncated, no frames, unsupported codec, over an hour) fails with its reason \
      like a bad photo. Other files that are not JPEG or PNG images (RAW photos, .THM \
      thumbnails, audio, text) are not scanned; summary.json counts them by kind under \
      "skipped" and lists them.

      Exit status: 0 when the scan completed (images that could not be read are reported in \
      the outputs and do not change it), 1 when the scan could not run (unreadable input, \
      unwritable output, missing model, disk full), 3 when the input holds no image at all \
      (an empty folder, an unmounted card; the outputs are still written), 64 for a usage \
      error (also --resume with another input than the scan in --out, and an earlier scan's \
      checkpoint in --out without --resume or --overwrite), 130 when stopped by Ctrl-C or \
      SIGTERM (resumable).

      Examples:
        lookout scan /media/SDCARD --out triage/ --site river-camp --camera cam03
        lookout scan drone-flight/ --out triage-drone/ --tile 640
        lookout scan /media/SDCARD --out triage/ --resume
        lookout scan /media/SDCARD --out triage/ --config lookout.json \\
          --deployments deployments.csv --areas park.geojson
      """)

  @Argument(help: "The card or folder to scan (searched recursively).")
  var input: String

  @Option(name: .long, help: "Folder for the outputs (created if missing).")
  var out: String

  @Option(name: .long, help: "Images processed at once (default: the number of cores).")
  var jobs: Int?

  @Flag(name: .long, help: "Finish an interrupted scan of the same output folder.")
  var resume = false

  @Flag(name: .long, help: "Discard an earlier scan's checkpoint in the output folder.")
  var overwrite = false

  @Flag(name: [.short, .long], help: "No progress display and no summary.")
  var quiet = false

  @OptionGroup var thresholds: ThresholdOptions

  @Option(
    name: .long,
    help: """
      Config file whose "thresholds" (written by `lookout tune`) replace the model's defaults; \
      its per-site thresholds apply to that site's images.
      """)
  var config: String?

  @OptionGroup var placement: PlacementOptions

  @Option(
    name: .long,
    help: "Site of every image of this card (a matching deployment's site still wins).")
  var site: String?

  @Option(
    name: .long,
    help: "Camera of every image of this card (a matching deployment's camera_id still wins).")
  var camera: String?

  @OptionGroup var detector: DetectorOptions

  @Option(name: .long, help: "Refuse images with more megapixels than this.")
  var maxMegapixels: Int = 100

  @Option(
    name: .long,
    help: "Frames sampled per second of video (the first frame is always sampled).")
  var videoFps: Double = 1

  @Option(name: .long, help: "Scan only shard i of n (0-based), e.g. 3/16.")
  var shard: String?

  @Flag(
    name: .long,
    help: """
      Take the shard from the scheduler: SLURM_ARRAY_TASK_ID (minus SLURM_ARRAY_TASK_MIN) of \
      SLURM_ARRAY_TASK_COUNT, or Kubernetes' JOB_COMPLETION_INDEX of --shard-count.
      """)
  var shardFromEnv = false

  @Option(name: .long, help: "Number of shards when --shard-from-env reads JOB_COMPLETION_INDEX.")
  var shardCount: Int?

  @Option(name: .long, help: "Folder with the model files (default: the shipped Models/).")
  var modelDir: String?

  @Option(
    name: .long,
    help: "Seconds between two images of a camera above which a new event starts.")
  var eventGap: Int = 60

  @Flag(
    name: .long,
    help: "One alert per image, as before events, instead of one per event.")
  var perImageAlerts = false

  @OptionGroup var staticOptions: StaticOptions

  func validate() throws {
    if let jobs, !(1...256).contains(jobs) { throw ValidationError("--jobs must be 1...256") }
    guard maxMegapixels >= 1 else { throw ValidationError("--max-megapixels must be positive") }
    if let shard, ShardSelection(parsing: shard) == nil {
      throw ValidationError("--shard must be i/n with 0 <= i < n, e.g. 0/4")
    }
    if resume && overwrite { throw ValidationError("--resume and --overwrite exclude each other") }
    for (option, value) in [("--site", site), ("--camera", camera)] {
      guard let value else { continue }
      if value.allSatisfy({ $0 == " " }) { throw ValidationError("\(option) must not be empty") }
      if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
        throw ValidationError("\(option) must not hold control characters")
      }
    }
    guard eventGap >= 0 else { throw ValidationError("--event-gap must be 0 or more seconds") }
    if shardFromEnv && shard != nil {
      throw ValidationError("--shard and --shard-from-env exclude each other")
    }
    if shardFromEnv {
      do {
        _ = try SchedulerShard.fromEnvironment(
          ProcessInfo.processInfo.environment, count: shardCount)
      } catch {
        throw ValidationError("--shard-from-env: \(error)")
      }
    }
  }

  func run() throws {
    guard let modelDirectory = ModelLocation.resolve(explicit: modelDir, name: "lookout-det") else {
      throw failure(
        "cannot find the model files (lookout-det.json); pass --model-dir or set LOOKOUT_MODEL_DIR")
    }
    var configThresholds = ClassThresholds()
    if let config {
      do {
        configThresholds = try LookoutConfig.read(path: config).thresholds(path: config)
      } catch {
        throw failure(error.description)
      }
    }
    var settings = detector.settings
    settings.maxPixels = maxMegapixels * 1_000_000
    guard videoFps > 0, videoFps <= 120 else {
      throw ValidationError("--video-fps must be more than 0 and at most 120")
    }
    settings.video?.framesPerSecond = videoFps
    var configuration = ScanConfiguration(
      input: input, output: out, modelDirectory: modelDirectory,
      jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, resume: resume,
      overwrite: overwrite, quiet: quiet, image: settings,
      configThresholds: configThresholds, thresholdOverrides: thresholds.threshold,
      shard: shardFromEnv
        ? try SchedulerShard.fromEnvironment(ProcessInfo.processInfo.environment, count: shardCount)
        : shard.flatMap(ShardSelection.init(parsing:)),
      deploymentsPath: placement.deployments, areasPath: placement.areas, site: site,
      camera: camera)
    configuration.eventGapSeconds = eventGap
    configuration.perImageAlerts = perImageAlerts
    configuration.staticRule = staticOptions.rule(over: .standard)
    let stop = StopSignal()
    stop.install(quiet: quiet)
    // Over a file-size limit (ulimit -f) a write then fails with EFBIG, reported like a full
    // disk, instead of the process being killed by SIGXFSZ mid-write.
    signal(SIGXFSZ, SIG_IGN)
    let report: ScanReport
    do {
      report = try ScanRunner(configuration: configuration, stop: stop).run()
    } catch .interrupted(let completed, let remaining) {
      printError(ScanError.interrupted(completed: completed, remaining: remaining).description)
      throw ExitCode(130)
    } catch let error where error.isUsageMistake {
      printError(error.description)
      throw ExitCode(ScanExitStatus.usage)
    } catch {
      throw failure(error.description)
    }
    // Even with --quiet: these folders' images are missing from the outputs.
    for problem in report.folderProblems {
      printError("skipped \(problem.relativePath): \(problem.reason)")
    }
    if !quiet { printSummary(report) }
    if let warning = Self.placementWarning(report) { printError(warning) }
    // Even with --quiet: for cron, a card without images is not a clean run.
    if report.imagesFound == 0 {
      printError(
        "no image found in \(input) (no .jpg, .jpeg or .png file"
          + (report.skipped.isEmpty ? "" : "; \(report.skipped.count) other files were not scanned")
          + "): is it the right folder, and is the card mounted?")
      throw ExitCode(ScanExitStatus.noImageFound)
    }
  }

  /// What to say when images are left without a site or camera: per-site thresholds and
  /// grouping by camera need them. Nil when every image has both.
  static func placementWarning(_ report: ScanReport) -> String? {
    var missing: [String] = []
    if report.imagesWithoutSite > 0 { missing.append("\(report.imagesWithoutSite) no site") }
    if report.imagesWithoutCamera > 0 { missing.append("\(report.imagesWithoutCamera) no camera") }
    guard !missing.isEmpty else { return nil }
    return "warning: of \(scannedFiles(report)), \(missing.joined(separator: " and ")) "
      + "(site and camera are null in their alerts): give --site and --camera for a single "
      + "card, a --deployments file, or keep images under <site>/<camera>/ folders"
  }

  /// `12 images`, or with clips `4 images and 1 clip`.
  static func scannedFiles(_ report: ScanReport) -> String {
    scannedFiles(images: report.images, clips: report.clips)
  }

  /// `12 images`, or with clips `4 images and 1 clip`; `images` counts the clips too.
  static func scannedFiles(images: Int, clips: Int) -> String {
    let photos = images - clips
    let counted = "\(photos) image\(photos == 1 ? "" : "s")"
    guard clips > 0 else { return counted }
    return counted + " and \(clips) clip" + (clips == 1 ? "" : "s")
  }

  private func printSummary(_ report: ScanReport) {
    let escaped = TerminalText.escaped
    var text = String(
      format: "Scanned %@ in %.1f s (%d new, %d from checkpoint), %d failed.\n",
      Self.scannedFiles(report), report.seconds, report.scannedNow, report.reused, report.failures)
    if !report.firstFailures.isEmpty {
      text += "Failed:\n"
      for failure in report.firstFailures {
        text += "  \(escaped(failure.file)): \(escaped(failure.reason))\n"
      }
      let more = report.failures - report.firstFailures.count
      if more > 0 {
        let detections = escaped(report.outputDirectory) + "/detections.json"
        text += "  ... and \(more) more: see the \"failure\" entries in \(detections)\n"
      }
    }
    if let skipped = SkippedFile.countLine(report.skipped) {
      let summary = escaped(report.outputDirectory) + "/summary.json"
      text += "\(skipped) (listed in \(summary)).\n"
    }
    if let line = StaticOptions.heldBackLine(report.heldBackAsStatic) { text += line }
    if report.alerts.isEmpty {
      text += "No alerts.\n"
    } else {
      text += "\(report.alerts.count) alert\(report.alerts.count == 1 ? "" : "s"):\n"
      for alert in report.alerts.shown {
        text += String(
          format: "  %@  %@ (%.2f)", escaped(alert.file), alert.labels.joined(separator: "+"),
          alert.confidence)
        if let frames = alert.frames, frames > 1 { text += ", \(frames) frames" }
        text += "\n"
      }
      let more = report.alerts.count - report.alerts.shown.count
      if more > 0 { text += "  ... and \(more) more\n" }
    }
    text += "Outputs in \(escaped(report.outputDirectory))/ (detections.json, alerts.jsonl, alerts.csv, summary.json)\n"
    FileHandle.standardError.write(Data(text.utf8))
  }
}

/// The exit statuses of `lookout scan` besides 0 (completed), 1 (could not run) and 130
/// (stopped, resumable); the README lists them all.
enum ScanExitStatus {
  /// The input holds no image at all: an empty folder, an unmounted card, a wrong path.
  static let noImageFound: Int32 = 3
  /// A usage mistake, as ArgumentParser's own validation errors.
  static let usage: Int32 = 64
}

extension ScanError {
  /// Whether this is a usage mistake (exit 64): `--resume` over a scan of another input, or an
  /// earlier scan's checkpoint in `--out` without `--resume` or `--overwrite`.
  var isUsageMistake: Bool {
    switch self {
    case .resumeWithOtherInput, .unfinishedScanPresent: return true
    default: return false
    }
  }
}

