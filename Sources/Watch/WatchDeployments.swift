import Formats
import Pipeline

/// The deployments CSV as `lookout watch` takes it: Pipeline's reading of it
/// (``Formats/DeploymentsFile/readForPlacement(path:)``, the same as `lookout scan`'s), with
/// errors as ``WatchError``s.
extension DeploymentsFile {
  /// Reads the file at `path`; errors name the file, the line and the reason.
  public static func readForWatch(path: String) throws(WatchError) -> DeploymentsFile {
    do {
      return try readForPlacement(path: path)
    } catch {
      throw .deployments(path: error.path, line: error.line, reason: error.reason)
    }
  }
}
