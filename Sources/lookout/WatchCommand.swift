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

  @Option(name: .customLong(O.out.flag), help: tableHelp(O.out))
  var out: String?

  @Option(name: .long, help: "JSON config file (flags override it).")
  var config: String?

  @Flag(name: .customLong(O.once.flag), inversion: .prefixedNo, help: tableHelp(O.once))
  var once: Bool?

  @Option(name: .customLong(O.interval.flag), help: tableHelp(O.interval))
  var interval: Double?

  @Option(name: .customLong(O.settle.flag), help: tableHelp(O.settle))
  var settle: Double?

  @Option(name: .customLong(O.maxAttempts.flag), help: tableHelp(O.maxAttempts))
  var maxAttempts: Int?

  @Option(name: .customLong(O.retryDelay.flag), help: tableHelp(O.retryDelay))
  var retryDelay: Double?

  @Option(name: .customLong(O.moveProcessed.flag), help: tableHelp(O.moveProcessed))
  var moveProcessed: String?

  @Option(name: .customLong(O.jobs.flag), help: tableHelp(O.jobs))
  var jobs: Int?

  @OptionGroup var thresholds: ThresholdOptions

  @Option(
    name: [.customLong(O.groupWindow.flag), .customLong("event-gap")],
    help: tableHelp(O.groupWindow))
  var groupWindow: Double?

  @OptionGroup var staticOptions: StaticOptions

  @OptionGroup var placement: PlacementOptions

  @Option(name: .customLong(O.geofencePolicy.flag), help: tableHelp(O.geofencePolicy))
  var geofencePolicy: String?

  @Option(name: .customLong(O.cameraUTCOffset.flag), help: tableHelp(O.cameraUTCOffset))
  var cameraUtcOffset: String?

  @Option(name: .customLong(O.webhookURL.flag), help: tableHelp(O.webhookURL))
  var webhookUrl: String?

  @Option(name: .customLong(O.webhookTokenEnv.flag), help: tableHelp(O.webhookTokenEnv))
  var webhookTokenEnv: String?

  @Option(name: .customLong(O.webhookTokenFile.flag), help: tableHelp(O.webhookTokenFile))
  var webhookTokenFile: String?

  @Option(name: .customLong(O.earthRangerURL.flag), help: tableHelp(O.earthRangerURL))
  var earthrangerUrl: String?

  @Option(name: .customLong(O.earthRangerTokenEnv.flag), help: tableHelp(O.earthRangerTokenEnv))
  var earthrangerTokenEnv: String?

  @Option(name: .customLong(O.earthRangerTokenFile.flag), help: tableHelp(O.earthRangerTokenFile))
  var earthrangerTokenFile: String?

  @Option(name: .customLong(O.earthRangerEventType.flag), help: tableHelp(O.earthRangerEventType))
  var earthrangerEventType: String?

  @Option(name: .customLong(O.retryBase.flag), help: tableHelp(O.retryBase))
  var retryBase: Double?

  @Option(name: .customLong(O.retryMax.flag), help: tableHelp(O.retryMax))
  var retryMax: Double?

  @Option(name: .customLong(O.deliveryWait.flag), help: tableHelp(O.deliveryWait))
  var deliveryWait: Double?

  @Flag(name: .customLong(O.json.flag), help: tableHelp(O.json))
  var json = false

  @Flag(name: [.short, .long], help: "No summary line and no problem reports on stderr.")
  var quiet = false

  @Option(name: .customLong(O.modelDirectory.flag), help: tableHelp(O.modelDirectory))
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
        throw .modelNotFound(name: "lookout-det")
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
        configuration: configuration, sinks: sinks.sinks, loadEngine: loadEngine, log: log)
      let once = settings.once ?? false
      let interval = settings.interval ?? O.interval.defaultValue
      let run = Task { () async -> Result<Void, WatchError> in
        do throws(WatchError) {
          if once {
            report(try await watcher.runOnce())
          } else {
            try await watcher.runContinuously(interval: interval) { result in
              switch result {
              case .success(let summary): report(summary)
              case .failure(let error): log("pass failed: \(error); trying again next interval")
              }
            }
          }
          return .success(())
        } catch {
          return .failure(error)
        }
      }
      // SIGINT and SIGTERM cancel the run: it ends after the images in progress.
      stop.onRequest { run.cancel() }
      try await run.value.get()
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

/// Watch's options, each declared once with its flag, config key, default and help.
private typealias O = WatchOptions

/// An option's help as the table words it (with its default quoted from the value).
private func tableHelp<Value, Default>(_ option: WatchOption<Value, Default>) -> ArgumentHelp {
  ArgumentHelp(option.help ?? "")
}
