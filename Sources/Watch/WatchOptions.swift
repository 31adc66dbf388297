/// The table of `lookout watch`'s options: each declared once (``WatchOption``) with its flag,
/// config key, default and help. `WatchCommand`'s flags, ``WatchConfigFile``'s reader,
/// ``WatchSettings/overridden(by:)`` and ``WatchSettings/resolved()`` all use these.
///
/// Not here: the inbox (an argument, and the config member `inbox`), the thresholds (their own
/// `thresholds` member), EarthRanger's priorities and the request timeout (config file only).
public enum WatchOptions {
  public static let out = WatchOption<String, String?>(
    flag: "out", configKey: "out",
    help: "Folder for the state database, the lock and alerts.jsonl.", isPath: true,
    setting: \.output)

  public static let once = WatchOption<Bool, Bool?>(
    flag: "once", configKey: "once",
    help: "One pass and exit (for cron); --no-once overrides a config file's \"once\".",
    setting: \.once)

  public static let interval = WatchOption(
    flag: "interval", configKey: "interval", default: 60.0,
    help: "Seconds between passes when running continuously "
      + "(default {default}; more than 0, at most 86400).",
    setting: \.interval)

  public static let settle = WatchOption(
    flag: "settle", configKey: "settle", default: 15.0,
    help: "Seconds a file must stay unchanged before it is processed "
      + "(default {default}; 0 to 86400).",
    setting: \.settle)

  public static let maxAttempts = WatchOption(
    flag: "max-attempts", configKey: "max_attempts", default: 3,
    help: "Attempts at an unreadable image before it is recorded as failed (default {default}).",
    setting: \.maxAttempts)

  public static let retryDelay = WatchOption(
    flag: "retry-delay", configKey: "retry_delay", default: 60.0,
    help: "Seconds between attempts at the same image (default {default}; 0 to 86400).",
    setting: \.retryDelay)

  public static let moveProcessed = WatchOption<String, String?>(
    flag: "move-processed", configKey: "move_processed",
    help: "Move finished files here (relative paths kept).", isPath: true,
    setting: \.moveProcessed)

  public static let jobs = WatchOption(
    flag: "jobs", configKey: "jobs", default: 1,
    help: "Images processed at once (default {default}).", setting: \.jobs)

  public static let groupWindow = WatchOption(
    flag: "group-window", configKey: "group_window", default: 120.0,
    help: "Frames of one camera and label this many seconds apart form one alert (scan's "
      + "event rule; --event-gap is the same option); "
      + "0 turns grouping off (default {default}; 0 to 86400).",
    setting: \.groupWindow)

  public static let areas = WatchOption<String, String?>(
    flag: "areas", configKey: "areas", help: nil, isPath: true, setting: \.areas)

  public static let deployments = WatchOption<String, String?>(
    flag: "deployments", configKey: "deployments", help: nil, isPath: true,
    setting: \.deployments)

  public static let geofencePolicy = WatchOption(
    flag: "geofence-policy", configKey: "geofence_policy", default: GeofencePolicy.all,
    help: "Which detections alert: all, inside, or inside-or-unknown (default {default}).",
    setting: \.geofencePolicy)

  public static let cameraUTCOffset = WatchOption<String, String?>(
    flag: "camera-utc-offset", configKey: "camera_utc_offset",
    help: "UTC offset of camera clocks that record none, e.g. +03:00.",
    setting: \.cameraUTCOffset)

  public static let webhookURL = WatchOption<String, String?>(
    flag: "webhook-url", configKey: "webhook.url",
    help: "POST each alert revision as JSON to this http(s) URL (port 1-65535, no credentials).",
    setting: \.webhookURL)

  /// Its default is used only when that variable is set (``WatchSettings/resolved()``).
  public static let webhookTokenEnv = WatchOption(
    flag: "webhook-token-env", configKey: "webhook.token_env", default: "LOOKOUT_WEBHOOK_TOKEN",
    help: "Environment variable holding the webhook's bearer token "
      + "(default {default} when set).",
    setting: \.webhookTokenEnv)

  public static let webhookTokenFile = WatchOption<String, String?>(
    flag: "webhook-token-file", configKey: "webhook.token_file",
    help: "File holding the webhook's bearer token.", isPath: true,
    setting: \.webhookTokenFile)

  public static let earthRangerURL = WatchOption<String, String?>(
    flag: "earthranger-url", configKey: "earthranger.url",
    help: "EarthRanger site URL (events go to <url>/api/v1.0/activity/events/).",
    setting: \.earthRangerURL)

  public static let earthRangerTokenEnv = WatchOption(
    flag: "earthranger-token-env", configKey: "earthranger.token_env",
    default: "LOOKOUT_EARTHRANGER_TOKEN",
    help: "Environment variable holding the EarthRanger token (default {default}).",
    setting: \.earthRangerTokenEnv)

  public static let earthRangerTokenFile = WatchOption<String, String?>(
    flag: "earthranger-token-file", configKey: "earthranger.token_file",
    help: "File holding the EarthRanger token.", isPath: true,
    setting: \.earthRangerTokenFile)

  public static let earthRangerEventType = WatchOption(
    flag: "earthranger-event-type", configKey: "earthranger.event_type",
    default: "lookout_detection", help: "EarthRanger event type (default {default}).",
    setting: \.earthRangerEventType)

  public static let retryBase = WatchOption(
    flag: "retry-base", configKey: "delivery.retry_base", default: 2.0,
    help: "First delivery retry delay in seconds, doubled per failure "
      + "(default {default}; at most 86400).",
    setting: \.retryBase)

  public static let retryMax = WatchOption(
    flag: "retry-max", configKey: "delivery.retry_max", default: 600.0,
    help: "Longest delivery retry delay in seconds, also the cap on a Retry-After "
      + "(default {default}; from --retry-base to 86400).",
    setting: \.retryMax)

  public static let deliveryWait = WatchOption(
    flag: "delivery-wait", configKey: "delivery.once_wait", default: 30.0,
    help: "With --once: seconds to keep retrying failed deliveries before exiting; requests "
      + "still unanswered after this (or 5 s if longer) are left for the next run "
      + "(default {default}; 0 to 86400).",
    setting: \.deliveryWait)

  public static let json = WatchOption<Bool, Bool?>(
    flag: "json", configKey: "json",
    help: "Print each pass's summary as one JSON object on stdout.", setting: \.json)

  public static let modelDirectory = WatchOption<String, String?>(
    flag: "model-dir", configKey: "model_dir",
    help: "Folder with the model files (default: the shipped Models/).", isPath: true,
    setting: \.modelDirectory)

  public static let inputSize = WatchOption<Int, Int?>(
    flag: "input-size", configKey: "input_size", help: nil, setting: \.inputSize)

  public static let minConfidence = WatchOption<Float, Float?>(
    flag: "min-confidence", configKey: "min_confidence", help: nil, setting: \.minConfidence)

  public static let tile = WatchOption<String, String?>(
    flag: "tile", configKey: "tile", help: nil, setting: \.tile)

  /// Every option in the table, in the order help lists them.
  public static let all: [AnyWatchOption] = [
    out.erased, once.erased, interval.erased, settle.erased, maxAttempts.erased,
    retryDelay.erased, moveProcessed.erased, jobs.erased, groupWindow.erased, areas.erased,
    deployments.erased, geofencePolicy.erased, cameraUTCOffset.erased, webhookURL.erased,
    webhookTokenEnv.erased, webhookTokenFile.erased, earthRangerURL.erased,
    earthRangerTokenEnv.erased, earthRangerTokenFile.erased, earthRangerEventType.erased,
    retryBase.erased, retryMax.erased, deliveryWait.erased, json.erased, modelDirectory.erased,
    inputSize.erased, minConfidence.erased, tile.erased,
  ]

  /// The options by config key (`delivery.retry_max`).
  static let byConfigKey: [String: AnyWatchOption] = Dictionary(
    uniqueKeysWithValues: all.map { ($0.configKey, $0) })
}
