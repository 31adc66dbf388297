import Formats
import LookoutSystem

/// Why a researcher command could not do its work. Each case names the file and the reason.
public enum ResearchError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A ground-truth file is unreadable or malformed (`line` is 0 when not about one line).
  case truth(path: String, line: Int, reason: String)
  /// A ground-truth table (CSV, or a Camtrap DP resource) is unreadable or malformed: the
  /// reader's own error, with the file, the line and, for a file it could not read, the errno.
  case truthTable(CSVReadError)
  /// A detections file is unreadable or not MegaDetector output.
  case detections(path: String, reason: String)
  /// A deployments or config file is unreadable or malformed.
  case input(path: String, reason: String)
  /// The config file (`--config`) could not be read or is invalid: the reader's own error.
  case config(LookoutConfigError)
  /// An output file or folder could not be written.
  case output(path: String, reason: String)
  /// An output file could not be written: the failed step and its `errno` (ENOSPC for a full
  /// disk) kept as they came.
  case outputFile(path: String, cause: FileIOError)
  /// The inputs do not fit together (e.g. no image of the truth is in the detections).
  case mismatch(reason: String)
  /// The truth has too few images of a class to trust a threshold chosen from it (`tune`
  /// without `--force`); the reason names the classes, their counts and the minimum.
  case tooFewPositives(reason: String)

  public var description: String {
    switch self {
    case .truth(let path, let line, let reason):
      return line > 0
        ? "ground truth \(path): line \(line): \(reason)" : "ground truth \(path): \(reason)"
    case .truthTable(let error):
      return ResearchError.truth(path: error.path, line: error.line, reason: error.reason)
        .description
    case .detections(let path, let reason): return "detections \(path): \(reason)"
    case .input(let path, let reason): return "\(path): \(reason)"
    case .config(let error): return "\(error.path): \(error.reason)"
    case .output(let path, let reason): return "cannot write \(path): \(reason)"
    case .outputFile(let path, let cause): return "cannot write \(path): \(cause.reason)"
    case .mismatch(let reason): return reason
    case .tooFewPositives(let reason): return reason
    }
  }
}

/// Reading whole files and writing outputs, with failures as ``ResearchError``.
enum ResearchFiles {
  static func read(_ path: String, as kind: (String, String) -> ResearchError) throws(ResearchError)
    -> [UInt8]
  {
    do {
      return try FileReader.read(path)
    } catch {
      throw kind(path, error.reason)
    }
  }

  static func write(_ text: String, to path: String) throws(ResearchError) {
    do {
      try AtomicFileWriter.write(text, to: path)
    } catch {
      throw .outputFile(path: path, cause: error)
    }
  }

  static func write(_ bytes: [UInt8], to path: String) throws(ResearchError) {
    do {
      try AtomicFileWriter.write(bytes, to: path)
    } catch {
      throw .outputFile(path: path, cause: error)
    }
  }
}
