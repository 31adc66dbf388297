import Formats
import Foundation
import LookoutCore
import LookoutSystem

/// The config file (`--config FILE`): JSON, shared with the researcher tooling.
///
/// ```json
/// {
///   "thresholds": {"animal": 0.3, "person": 0.42, "vehicle": 0.5,
///                  "sites": {"river-camp": {"person": 0.35}}},
///   "watch": {
///     "inbox": "/srv/inbox", "out": "/srv/triage",
///     "interval": 60, "settle": 15, "max_attempts": 3, "retry_delay": 60,
///     "move_processed": "/srv/processed", "jobs": 1, "group_window": 120,
///     "areas": "areas.geojson", "deployments": "deployments.csv",
///     "geofence_policy": "all", "camera_utc_offset": "+03:00",
///     "model_dir": "/opt/lookout/Models", "input_size": 640, "min_confidence": 0.05, "tile": "auto",
///     "webhook": {"url": "https://alerts.example.org/hook", "token_env": "LOOKOUT_WEBHOOK_TOKEN"},
///     "earthranger": {"url": "https://reserve.pamdas.org", "token_file": "/etc/lookout/er.token",
///                     "event_type": "lookout_detection", "priority": {"person": 300, "vehicle": 200}},
///     "delivery": {"retry_base": 2, "retry_max": 600, "once_wait": 30, "timeout": 30}
///   }
/// }
/// ```
///
/// `thresholds` is the member the researcher tooling writes (per class, and per site); `watch`
/// holds the watch options, named as the flags with `_` for `-`. Every member is optional,
/// flags override them, and relative paths are taken from the config file's folder. Other
/// top-level members are ignored (they belong to other tools); an unknown member inside `watch`
/// is an error, so a typo does not go unnoticed. Tokens are never in the file itself: only the
/// name of the environment variable or of the file that holds them.
public enum WatchConfigFile {
  public static func read(path: String) throws(WatchError) -> WatchSettings {
    let bytes: [UInt8]
    do {
      bytes = try FileReader.read(path)
    } catch {
      throw .configFile(.file(error))
    }
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    return try parse(bytes, path: path, folder: folder)
  }

  /// Parses a config document; relative paths are resolved against `folder`. The document and
  /// its `thresholds` are read by ``LookoutConfig`` (the one parser that `scan`, `tune` and
  /// `watch` share); only the `watch` member is read here.
  public static func parse(_ bytes: [UInt8], path: String, folder: String) throws(WatchError)
    -> WatchSettings
  {
    let config: LookoutConfig
    let thresholds: ClassThresholds
    do {
      config = try LookoutConfig.parse(bytes, path: path)
      thresholds = try config.thresholds(path: path)
    } catch {
      throw .configFile(error)
    }
    var settings = WatchSettings()
    settings.thresholds = thresholds
    guard let watch = config.member("watch"), !watch.isNull else { return settings }
    try readWatchMember(watch, into: &settings, path: path, folder: folder)
    return settings
  }

  /// The `watch` member's options, set in `settings`.
  static func readWatchMember(
    _ watch: JSONValue, into settings: inout WatchSettings, path: String, folder: String
  ) throws(WatchError) {
    func fail(_ reason: String) -> WatchError { .config(path: path, reason: reason) }
    guard let members = watch.objectMembers else { throw fail("watch is not an object") }
    let reader = MemberReader(prefix: "watch", folder: folder, fail: fail)
    for (key, value) in members {
      if let option = WatchOptions.byConfigKey[key] {
        try option.read(reader, value, key, &settings)
        continue
      }
      switch key {
      case "inbox": settings.inbox = try reader.path(value, key)
      case "webhook", "earthranger", "delivery":
        let sub = reader.nested(key)
        for (k, v) in try reader.object(value, key) {
          if let option = WatchOptions.byConfigKey["\(key).\(k)"] {
            try option.read(sub, v, k, &settings)
          } else if key == "earthranger" && k == "priority" {
            let inner = sub.nested(k)
            for (label, p) in try sub.object(v, k) {
              settings.earthRangerPriorities[label] = try inner.integer(p, label)
            }
          } else if key == "delivery" && k == "timeout" {
            settings.requestTimeout = try sub.number(v, k)
          } else {
            throw fail("unknown member watch.\(key).\(k)")
          }
        }
      case "token", "webhook_token", "earthranger_token":
        throw fail(
          "watch.\(key): tokens are not kept in the config file; name a token_env or token_file")
      default:
        throw fail("unknown member watch.\(key)")
      }
    }
  }
}

/// Typed access to config members, with errors that name the member.
struct MemberReader {
  var prefix: String
  var folder: String
  var fail: (String) -> WatchError

  func nested(_ key: String) -> MemberReader {
    MemberReader(prefix: "\(prefix).\(key)", folder: folder, fail: fail)
  }

  func string(_ v: JSONValue, _ key: String) throws(WatchError) -> String {
    guard let s = v.stringValue else { throw fail("\(prefix).\(key) is not a string") }
    return s
  }

  func path(_ v: JSONValue, _ key: String) throws(WatchError) -> String {
    let s = try string(v, key)
    if s.hasPrefix("/") { return s }
    if s.hasPrefix("~/") { return NSString(string: s).expandingTildeInPath }
    return URL(fileURLWithPath: folder).appendingPathComponent(s).standardizedFileURL.path
  }

  func number(_ v: JSONValue, _ key: String) throws(WatchError) -> Double {
    guard let d = v.doubleValue, d.isFinite else { throw fail("\(prefix).\(key) is not a number") }
    return d
  }

  func integer(_ v: JSONValue, _ key: String) throws(WatchError) -> Int {
    guard let i = v.intValue else { throw fail("\(prefix).\(key) is not an integer") }
    return i
  }

  func bool(_ v: JSONValue, _ key: String) throws(WatchError) -> Bool {
    guard let b = v.boolValue else { throw fail("\(prefix).\(key) is not true or false") }
    return b
  }

  func object(_ v: JSONValue, _ key: String) throws(WatchError) -> [(String, JSONValue)] {
    guard let m = v.objectMembers else { throw fail("\(prefix).\(key) is not an object") }
    return m
  }
}
