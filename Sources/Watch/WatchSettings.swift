import Foundation
import Formats
import LookoutCore
import Pipeline

/// `lookout watch`'s options as given, every one optional: one value from the config file
/// (``WatchConfigFile``), one from the command line, merged with ``overridden(by:)`` (flags win)
/// and turned into a ``WatchConfiguration`` with the defaults by ``resolved()``.
public struct WatchSettings: Sendable, Equatable {
  public var inbox: String?
  public var output: String?
  public var once: Bool?
  public var interval: Double?
  public var settle: Double?
  public var maxAttempts: Int?
  public var retryDelay: Double?
  public var moveProcessed: String?
  public var jobs: Int?
  /// Thresholds per class, and per site over those; merged class by class (and site by site).
  public var thresholds = ClassThresholds()
  public var groupWindow: Double?
  public var areas: String?
  public var deployments: String?
  public var geofencePolicy: GeofencePolicy?
  public var cameraUTCOffset: String?
  public var webhookURL: String?
  public var webhookTokenEnv: String?
  public var webhookTokenFile: String?
  public var earthRangerURL: String?
  public var earthRangerTokenEnv: String?
  public var earthRangerTokenFile: String?
  public var earthRangerEventType: String?
  public var earthRangerPriorities: [String: Int] = [:]
  public var retryBase: Double?
  public var retryMax: Double?
  public var deliveryWait: Double?
  public var requestTimeout: Double?
  public var json: Bool?
  public var modelDirectory: String?
  public var inputSize: Int?
  public var minConfidence: Float?
  public var tile: String?

  public init() {}

  /// The longest duration any option accepts, in seconds (a day): a longer settle, interval or
  /// wait is a mistake, and one of 1e300 made a run that never ended.
  public static let longestDuration = 86_400.0

  /// A duration option's value checked: a finite number of seconds, not negative (not 0 either
  /// unless `zeroAllowed`), at most ``longestDuration``. Nil stays nil.
  static func seconds(_ value: Double?, _ name: String, zeroAllowed: Bool) throws(WatchError)
    -> Double?
  {
    guard let value else { return nil }
    let low = zeroAllowed ? value >= 0 : value > 0
    guard value.isFinite, low, value <= longestDuration else {
      let range = zeroAllowed ? "from 0 to" : "more than 0 and at most"
      throw .option(
        reason: "\(name) must be \(range) \(Int(longestDuration)) seconds (got \(value))")
    }
    return value
  }

  /// These settings with every option that `flags` gives replaced by the flag's value.
  public func overridden(by flags: WatchSettings) -> WatchSettings {
    var out = self
    func take<T>(_ path: WritableKeyPath<WatchSettings, T?>) {
      if let value = flags[keyPath: path] { out[keyPath: path] = value }
    }
    take(\.inbox)
    for option in WatchOptions.all { option.take(flags, &out) }
    take(\.requestTimeout)
    // A token source given on the command line replaces the file's, whichever kind it is.
    if flags.webhookTokenEnv != nil || flags.webhookTokenFile != nil {
      out.webhookTokenEnv = flags.webhookTokenEnv
      out.webhookTokenFile = flags.webhookTokenFile
    }
    if flags.earthRangerTokenEnv != nil || flags.earthRangerTokenFile != nil {
      out.earthRangerTokenEnv = flags.earthRangerTokenEnv
      out.earthRangerTokenFile = flags.earthRangerTokenFile
    }
    out.thresholds.classes.merge(flags.thresholds.classes) { _, flag in flag }
    for (site, classes) in flags.thresholds.sites {
      out.thresholds.sites[site, default: [:]].merge(classes) { _, flag in flag }
    }
    out.earthRangerPriorities.merge(flags.earthRangerPriorities) { _, flag in flag }
    return out
  }

  /// Checks the values and fills in the defaults. Errors name the option.
  public func resolved() throws(WatchError) -> WatchConfiguration {
    func bad(_ reason: String) -> WatchError { .option(reason: reason) }
    guard let inbox, !inbox.isEmpty else { throw bad("no inbox folder given") }
    guard let output, !output.isEmpty else { throw bad("no output folder given (--out)") }
    let settle =
      try Self.seconds(self.settle, "--settle", zeroAllowed: true)
      ?? WatchOptions.settle.defaultValue
    _ = try Self.seconds(interval, "--interval", zeroAllowed: false)
    let attempts = maxAttempts ?? WatchOptions.maxAttempts.defaultValue
    guard attempts >= 1 else { throw bad("max attempts must be at least 1") }
    let retryDelay =
      try Self.seconds(self.retryDelay, "--retry-delay", zeroAllowed: true)
      ?? WatchOptions.retryDelay.defaultValue
    let jobs = self.jobs ?? WatchOptions.jobs.defaultValue
    guard (1...64).contains(jobs) else { throw bad("jobs must be 1...64") }
    let window =
      try Self.seconds(groupWindow, "--group-window", zeroAllowed: true)
      ?? WatchOptions.groupWindow.defaultValue
    for (name, value) in thresholds.classes.sorted(by: { $0.key < $1.key }) {
      guard DetectionClass(name: name) != nil, ClassThresholds.applies(name, value)
      else {
        throw bad("threshold \(name)=\(value): expected animal, person or vehicle in 0…1")
      }
    }
    var offset: Int?
    if let text = cameraUTCOffset {
      guard let minutes = Timestamp.offsetMinutes(text) else {
        throw bad("camera UTC offset \"\(text)\" is not an offset such as +03:00")
      }
      offset = minutes
    }
    let policy = geofencePolicy ?? WatchOptions.geofencePolicy.defaultValue
    if policy != .all && areas == nil {
      throw bad("geofence policy \(policy.rawValue) needs protected areas (--areas)")
    }
    var delivery = DeliverySettings()
    if let retryBase = try Self.seconds(retryBase, "--retry-base", zeroAllowed: false) {
      delivery.retryBaseSeconds = retryBase
    }
    if let retryMax = try Self.seconds(retryMax, "--retry-max", zeroAllowed: false) {
      guard retryMax >= delivery.retryBaseSeconds else {
        throw bad("--retry-max must be at least --retry-base (\(delivery.retryBaseSeconds) s)")
      }
      delivery.retryMaxSeconds = retryMax
    }
    if let wait = try Self.seconds(deliveryWait, "--delivery-wait", zeroAllowed: true) {
      delivery.onceWaitSeconds = wait
    }
    if let timeout = try Self.seconds(
      requestTimeout, "the request timeout (watch.delivery.timeout)", zeroAllowed: false)
    {
      delivery.requestTimeoutSeconds = timeout
    }
    if let url = webhookURL {
      _ = try SinkURL.parse(url, option: "--webhook-url")
      var token = TokenSource(environmentVariable: webhookTokenEnv, file: webhookTokenFile)
      if token.environmentVariable == nil && token.file == nil,
        ProcessInfo.processInfo.environment[WatchOptions.webhookTokenEnv.defaultValue] != nil
      {
        token.environmentVariable = WatchOptions.webhookTokenEnv.defaultValue
      }
      delivery.webhook = WebhookSettings(url: url, token: token)
    }
    if let url = earthRangerURL {
      _ = try SinkURL.parse(url, option: "--earthranger-url")
      var settings = EarthRangerSettings(
        url: url,
        token: TokenSource(
          environmentVariable: earthRangerTokenFile == nil
            ? (earthRangerTokenEnv ?? WatchOptions.earthRangerTokenEnv.defaultValue)
            : earthRangerTokenEnv,
          file: earthRangerTokenFile))
      if let type = earthRangerEventType { settings.eventType = type }
      settings.priorities.merge(earthRangerPriorities) { _, given in given }
      delivery.earthRanger = settings
    }
    return WatchConfiguration(
      inbox: inbox, output: output, settleSeconds: settle, maxAttempts: attempts,
      retryDelaySeconds: retryDelay, moveProcessedTo: moveProcessed, jobs: jobs,
      thresholds: thresholds,
      groupWindowSeconds: window,
      geofence: GeofenceSettings(
        areasPath: areas, deploymentsPath: deployments, policy: policy,
        cameraUTCOffsetMinutes: offset),
      delivery: delivery)
  }
}
