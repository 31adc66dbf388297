import Detector
import Formats
import Geo
import LookoutSystem

/// Why a scan as a whole could not proceed (per-image problems are not errors: they are recorded
/// as failures in the outputs and the run goes on).
public enum ScanError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The input folder is missing, not a folder, or cannot be listed.
  case inputUnreadable(path: String, reason: String)
  /// The output folder cannot be created or written.
  case outputUnwritable(path: String, reason: String)
  /// An output file could not be written: `path` is the output the user knows (the file it
  /// would have become), `cause` the failed step with its `errno` (ENOSPC for a full disk).
  case outputFile(path: String, cause: FileIOError)

  /// ``outputFile(path:cause:)`` for a file Lookout makes itself (a temporary file), named as
  /// the failure names it.
  static func outputFile(_ cause: FileIOError) -> ScanError {
    .outputFile(path: cause.path, cause: cause)
  }
  /// The output folder holds another scan's checkpoint and neither resume nor overwrite was asked.
  case unfinishedScanPresent(path: String)
  /// `--resume` was asked but the checkpoint belongs to a different model or settings.
  case checkpointMismatch(path: String, reason: String)
  /// `--resume` was asked but the scan in output folder `path` was of another folder
  /// (`recorded`, links resolved) than the one given now (`given`): a usage mistake (exit 64).
  case resumeWithOtherInput(path: String, recorded: String, given: String)
  /// The model files could not be loaded: the loader's own error, with the file and the reason.
  case model(ModelLoadError)
  /// A threshold override is not `animal=`, `person=` or `vehicle=` with a value in 0...1.
  case invalidThreshold(String)
  /// The deployments CSV (`--deployments`) is unreadable or invalid: the reader's own error,
  /// with the file, the line (0 for the file as a whole) and the reason.
  case deployments(DeploymentsError)
  /// The protected-areas GeoJSON (`--areas`) is unreadable or invalid: the reader's own error,
  /// with its cause.
  case areas(GeoJSONError)
  /// The run was interrupted (SIGINT/SIGTERM); the checkpoint is consistent and resumable.
  case interrupted(completed: Int, remaining: Int)

  public var description: String {
    switch self {
    case .inputUnreadable(let path, let reason):
      return "cannot read input folder \(path): \(reason)"
    case .outputUnwritable(let path, let reason):
      return "cannot write output \(path): \(reason)"
    case .outputFile(let path, let cause):
      return "cannot write output \(path): \(cause.reason)"
    case .unfinishedScanPresent(let path):
      return
        "\(path) already holds a scan checkpoint; run again with --resume to finish it, "
        + "or --overwrite to start over"
    case .checkpointMismatch(let path, let reason):
      return "cannot resume from \(path): \(reason); use --overwrite to start over"
    case .resumeWithOtherInput(let path, let recorded, let given):
      return
        "cannot resume the scan in \(path): it is a scan of \(recorded), not of \(given); "
        + "resume with the same input, or choose another --out (or --overwrite to replace it)"
    case .model(let error):
      return "cannot load the detector model: \(error)"
    case .invalidThreshold(let text):
      return "invalid threshold \(text): expected animal=, person= or vehicle= with a value in 0...1"
    // Worded as `lookout watch` words them.
    case .deployments(let error): return "deployments \(error)"
    case .areas(let error): return error.description
    case .interrupted(let completed, let remaining):
      return
        "interrupted after \(completed) images (\(remaining) left); "
        + "run the same command with --resume to finish"
    }
  }
}
