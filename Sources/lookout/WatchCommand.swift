import ArgumentParser
import Formats
import LookoutCore
import Foundation
import Pipeline
import Watch

/// `lookout watch`: process an upload folder exactly once per image and deliver alerts.
struct WatchCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "watch",
    abstract: "Watch an upload folder: process each new image once and deliver its alerts.",
    discussion: """
      Each image is processed once it has stopped changing (size and modification time \
      unchanged for --settle seconds; temporary upload names such as *.part, *.tmp, \
      *.filepart and dot-files are ignored), exactly once across runs, restarts and kill -9. \
      State lives in <out>/watch.sqlite; alerts are committed to its outbox together with their \
      image and delivered from there: always to <out>/alerts.jsonl, and to a webhook and an \
      EarthRanger server when configured. Deliveries that fail are retried with backoff, also \
      by later runs.

      Every option can also come from --config FILE (JSON: "thresholds" and a "watch" object \
      whose members are named like the flags, with _ for -); flags override it. Tokens come \
      from an environment variable or a file (--webhook-token-env, --webhook-token-file, ...), \
      never from the command line.

      Each pass ends with a summary line on stderr; with --json the same counts are printed as \
      one JSON object per pass on stdout.

      Exit status: 0 when the run finished (or was stopped with Ctrl-C / SIGTERM), 1 when it \
      could not run (unreadable inbox, unwritable output, full disk, missing model, bad \
      config), 64 for a usage error, 75 when another watch holds the output folder's lock.

      Examples:
        lookout watch /srv/inbox --out /srv/triage --once
        lookout watch /srv/inbox --out /srv/triage --interval 30 --move-processed /srv/done
        lookout watch --config /etc/lookout/watch.json --once --json
      """)

  @Argument(help: "The upload folder to watch (searched recursively).")
  var inbox: String?

  @Option(name: .long, help: "Folder for the state database, the lock and alerts.jsonl.")
  var out: String?

  @Option(name: .long, help: "JSON config file (flags override it).")
  var config: String?

  @Flag(
    inversion: .prefixedNo,
    help: "One pass and exit (for cron); --no-once overrides a config file's \"once\".")
  var once: Bool?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Seconds between passes when running continuously "
        + "(default \(shown(Defaults.interval)); more than 0, at most 86400)."))
  var interval: Double?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Seconds a file must stay unchanged before it is processed "
        + "(default \(shown(Defaults.settle)); 0 to 86400)."))
  var settle: Double?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Attempts at an unreadable image before it is recorded as failed "
        + "(default \(Defaults.maxAttempts))."))
  var maxAttempts: Int?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Seconds between attempts at the same image "
        + "(default \(shown(Defaults.retryDelay)); 0 to 86400)."))
  var retryDelay: Double?

  @Option(name: .long, help: "Move finished files here (relative paths kept).")
  var moveProcessed: String?

  @Option(name: .long, help: ArgumentHelp("Images processed at once (default \(Defaults.jobs))."))
  var jobs: Int?

  @OptionGroup var thresholds: ThresholdOptions

  @Option(
    name: [.customLong("group-window"), .customLong("event-gap")],
    help:
      ArgumentHelp(
        "Frames of one camera and label this many seconds apart form one alert (scan's "
          + "event rule; --event-gap is the same option); "
          + "0 turns grouping off (default \(shown(Defaults.groupWindow)); 0 to 86400).")
  )
  var groupWindow: Double?

  @OptionGroup var staticOptions: StaticOptions

  @OptionGroup var placement: PlacementOptions

  @Option(
    name: .long, help: "Which detections alert: all, inside, or inside-or-unknown (default all).")
  var geofencePolicy: String?

  @Option(name: .long, help: "UTC offset of camera clocks that record none, e.g. +03:00.")
  var cameraUtcOffset: String?

  @Option(
    name: .long,
    help: "POST each alert revision as JSON to this http(s) URL (port 1-65535, no credentials).")
  var webhookUrl: String?

  @Option(
    name: .long,
    help:
      ArgumentHelp(
        "Environment variable holding the webhook's bearer token "
          + "(default LOOKOUT_WEBHOOK_TOKEN when set).")
  )
  var webhookTokenEnv: String?

  @Option(name: .long, help: "File holding the webhook's bearer token.")
  var webhookTokenFile: String?

  @Option(name: .long, help: "EarthRanger site URL (events go to <url>/api/v1.0/activity/events/).")
  var earthrangerUrl: String?

  @Option(
    name: .long,
    help: "Environment variable holding the EarthRanger token (default LOOKOUT_EARTHRANGER_TOKEN).")
  var earthrangerTokenEnv: String?

  @Option(name: .long, help: "File holding the EarthRanger token.")
  var earthrangerTokenFile: String?

  @Option(name: .long, help: "EarthRanger event type (default lookout_detection).")
  var earthrangerEventType: String?

  @Option(
    name: .long,
    help: "First delivery retry delay in seconds, doubled per failure (default 2; at most 86400).")
  var retryBase: Double?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Longest delivery retry delay in seconds, also the cap on a Retry-After "
        + "(default 600; from --retry-base to 86400)."))
  var retryMax: Double?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "With --once: seconds to keep retrying failed deliveries before exiting; requests still "
        + "unanswered after this (or 5 s if longer) are left for the next run "
        + "(default 30; 0 to 86400)."))
  var deliveryWait: Double?

  @Flag(name: .long, help: "Print each pass's summary as one JSON object on stdout.")
  var json = false

  @Flag(name: [.short, .long], help: "No summary line and no problem reports on stderr.")
  var quiet = false

  @Option(name: .long, help: "Folder with the model files (default: the shipped Models/).")
  var modelDir: String?

  @OptionGroup var detector: DetectorOptions

  func validate() throws {
    if let geofencePolicy, GeofencePolicy(rawValue: geofencePolicy) == nil {
      throw ValidationError("--geofence-policy must be all, inside or inside-or-unknown")
    }
  }

  /// The flags as settings (nil where not given).
  private var flagSettings: WatchSettings {
    var s = WatchSettings()
    s.inbox = inbox
    s.output = out
    s.once = once ?? (interval != nil ? false : nil)
    s.interval = interval
    s.settle = settle
    s.maxAttempts = maxAttempts
    s.retryDelay = retryDelay
    s.moveProcessed = moveProcessed
    s.jobs = jobs
    for assignment in thresholds.assignments {
      s.thresholds.classes[assignment.detectionClass.name] = assignment.value
    }
    s.groupWindow = groupWindow
    s.areas = placement.areas
    s.deployments = placement.deployments
    s.geofencePolicy = geofencePolicy.flatMap(GeofencePolicy.init(rawValue:))
    s.cameraUTCOffset = cameraUtcOffset
    s.webhookURL = webhookUrl
    s.webhookTokenEnv = webhookTokenEnv
    s.webhookTokenFile = webhookTokenFile
    s.earthRangerURL = earthrangerUrl
    s.earthRangerTokenEnv = earthrangerTokenEnv
    s.earthRangerTokenFile = earthrangerTokenFile
    s.earthRangerEventType = earthrangerEventType
    s.retryBase = retryBase
    s.retryMax = retryMax
    s.deliveryWait = deliveryWait
    s.json = json ? true : nil
    s.modelDirectory = modelDir
    s.inputSize = detector.inputSize
    s.minConfidence = detector.minConfidence
    s.tile = detector.tile
    return s
  }

  func run() async throws {
    let settings: WatchSettings
    let configuration: WatchConfiguration
    do {
      let file = try config.map { (path: String) throws(WatchError) in
        try WatchConfigFile.read(path: path)
      }
      settings = (file ?? WatchSettings()).overridden(by: flagSettings)
    } catch .option(let reason) {
      throw Self.usageFailure(reason)
    } catch {
      throw failure(error.description)
    }
    if settings.inbox?.isEmpty ?? true || settings.output?.isEmpty ?? true {
      // `lookout watch` alone: what it needs is the whole help, as with --help (but exit 64).
      let missing = settings.inbox?.isEmpty ?? true ? "no inbox folder given" : "no --out given"
      Self.stderr("Error: \(missing)\n\n" + Lookout.helpMessage(for: Self.self))
      throw ExitCode.validationFailure
    }
    do {
      var resolved = try settings.resolved()
      resolved.staticRule = staticOptions.rule(over: .standard)
      configuration = resolved
    } catch .option(let reason) {
      throw Self.usageFailure(reason)
    } catch {
      throw failure(error.description)
    }
    let scan = DetectorOptions.settings(
      inputSize: settings.inputSize, minConfidence: settings.minConfidence, tile: settings.tile)
    let explicitModel = settings.modelDirectory
    let scanSettings = scan
    let loadEngine: @Sendable () throws(WatchError) -> any OutcomeEngine = {
      () throws(WatchError) in
      guard let directory = ModelLocation.resolve(explicit: explicitModel, name: "lookout-det")
      else {
        throw .model(
          reason: "cannot find lookout-det.json; pass --model-dir or set LOOKOUT_MODEL_DIR")
      }
      return try DetectorEngine.load(directory: directory, settings: scanSettings)
    }
    let quiet = self.quiet
    let printJSON = settings.json ?? false
    let stop = StopSignal()
    stop.install(quiet: quiet)
    let sinks: ConfiguredSinks
    do {
      sinks = try ConfiguredSinks(configuration.delivery)
    } catch {
      throw failure(error.description)
    }
    let redactor = sinks.redactor
    let log: @Sendable (String) -> Void = { message in
      if !quiet { Self.stderr("lookout watch: " + redactor.clean(message)) }
    }
    let report: @Sendable (PassSummary) -> Void = { summary in
      if !quiet { Self.stderr(summary.line()) }
      if printJSON {
        FileHandle.standardOutput.write(
          Data((JSONWriter.compact.string(summary.json()) + "\n").utf8))
      }
    }
    var exitCode: Int32 = 0
    do {
      let watcher = try InboxWatcher(
        configuration: configuration, sinks: sinks.sinks, loadEngine: loadEngine, stop: stop,
        log: log)
      if settings.once ?? false {
        report(try await watcher.runOnce())
      } else {
        try await watcher.runContinuously(
          interval: settings.interval ?? WatchSettings.Defaults.interval
        ) { result in
          switch result {
          case .success(let summary): report(summary)
          case .failure(let error): log("pass failed: \(error); trying again next interval")
          }
        }
      }
    } catch {
      // Errors are printed even with --quiet: cron mails them.
      Self.stderr("lookout watch: " + redactor.clean(error.description))
      if case .locked = error { exitCode = 75 } else { exitCode = 1 }
    }
    await sinks.shutdown()
    if exitCode != 0 { throw ExitCode(exitCode) }
  }

  /// Prints a usage mistake with watch's own usage line (a ValidationError thrown from `run()`
  /// would be shown with the top command's) and returns exit status 64 to throw.
  private static func usageFailure(_ reason: String) -> ExitCode {
    stderr("Error: \(reason)\n" + Lookout.usageString(for: Self.self))
    return .validationFailure
  }

  private static func stderr(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }
}

/// Watch's defaults, which its help texts quote: the values `WatchSettings.resolved()` uses.
private typealias Defaults = WatchSettings.Defaults

/// A default as help quotes it: `60`, not `60.0`.
private func shown(_ value: Double) -> String { String(format: "%g", value) }
