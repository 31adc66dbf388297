import Detector
import Formats
import Geo
import LookoutSystem

/// Why `lookout watch` could not start or finish a pass. Problems with single images are not
/// errors: they are retried and then recorded as failed in the state database.
public enum WatchError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The inbox is missing, not a folder, or cannot be listed.
  case inboxUnreadable(path: String, reason: String)
  /// The output folder (or the move-processed folder) cannot be created or written.
  case outputUnwritable(path: String, reason: String)
  /// A file or folder in the output folder could not be made or changed: the failed step with
  /// its `errno`.
  case outputFile(FileIOError)
  /// The state database cannot be opened, migrated or written (disk full included).
  case database(path: String, reason: String)
  /// Another `lookout watch` holds the lock on this output folder.
  case locked(path: String, holder: String?)
  /// The config file is unreadable or invalid.
  case config(path: String, reason: String)
  /// The config file could not be read, is not JSON, or its thresholds are invalid: the
  /// reader's own error.
  case configFile(LookoutConfigError)
  /// An option's value (from the config file or a flag) is invalid, or needs another option.
  case option(reason: String)
  /// The protected-areas GeoJSON is unreadable or invalid: the reader's own error, with its
  /// cause.
  case areas(GeoJSONError)
  /// The deployments CSV is unreadable or invalid: the reader's own error, with the file, the
  /// line (0 for the file as a whole) and the reason.
  case deployments(DeploymentsError)
  /// A sink's token or URL cannot be used.
  case sink(name: String, reason: String)
  /// The detector model cannot be loaded: the loader's own error, with the file and the reason.
  case model(ModelLoadError)
  /// No `--model-dir` was given and no folder the model is looked for in holds `<name>.json`.
  case modelNotFound(name: String)

  public var description: String {
    switch self {
    case .inboxUnreadable(let path, let reason): return "cannot read inbox \(path): \(reason)"
    case .outputUnwritable(let path, let reason): return "cannot write \(path): \(reason)"
    case .outputFile(let error):
      return "cannot write \(error.path): \(error.reason) while \(error.step.rawValue)"
    case .database(let path, let reason): return "state database \(path): \(reason)"
    case .locked(let path, let holder):
      return "another lookout watch is running on this output folder (lock \(path)"
        + (holder.map { ", held by \($0)" } ?? "") + "); this run does nothing"
    case .config(let path, let reason): return "config file \(path): \(reason)"
    case .configFile(let error): return error.description
    case .option(let reason): return reason
    case .areas(let error): return error.description
    case .deployments(let error): return "deployments \(error)"
    case .sink(let name, let reason): return "\(name) sink: \(reason)"
    case .model(let error): return "cannot load the detector model: \(error)"
    case .modelNotFound(let name):
      return
        "cannot load the detector model: cannot find \(name).json; pass --model-dir or set "
        + "LOOKOUT_MODEL_DIR"
    }
  }
}
