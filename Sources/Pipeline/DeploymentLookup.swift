import Formats
import LookoutCore

/// The deployments CSV as `lookout scan --deployments` and `lookout watch` take it: Formats'
/// ``DeploymentsFile`` (the one parser of the file, which `export camtrap-dp` uses too), with
/// `start` and `end` optional, and looked up by the capture time the scan records.
///
/// | column | required | meaning |
/// |---|---|---|
/// | `deployment_id` | yes | the camera's or site's id |
/// | `latitude`, `longitude` | yes | WGS 84 decimal degrees |
/// | `path_pattern` | yes | which images are its, e.g. `river-camp/cam03` or `*/cam03/**` |
/// | `start`, `end` | no | camera-local dates or date-times; a missing one leaves that end open |
/// | `camera_id`, `site` | no | names written into alerts |
/// | `timezone_offset` | no | the camera clock's UTC offset, `+03:00` |
///
/// An image gets the first deployment, in file order, whose pattern matches its path and whose
/// dates cover its capture time.
extension DeploymentsFile {
  /// Reads the file at `path`; errors name the file, the line and the reason.
  public static func readForPlacement(path: String) throws(DeploymentsError) -> DeploymentsFile {
    try read(path: path, dates: .optional)
  }

  /// Parses the file's bytes; `path` only names it in errors.
  public static func parseForPlacement(_ bytes: [UInt8], path: String) throws(DeploymentsError)
    -> DeploymentsFile
  {
    try parse(bytes, path: path, dates: .optional)
  }

  /// The deployment of an image whose camera-local capture time is `capturedLocal`
  /// (`YYYY-MM-DDTHH:MM:SS`, as ``ImageOutcome/capturedLocal`` holds it); a time that is unknown
  /// or unreadable matches any dates.
  public func deployment(forPath relativePath: String, capturedLocal: String?) -> Deployment? {
    deployment(forPath: relativePath, capturedAt: capturedLocal.flatMap { LocalDateTime($0) })
  }
}
