import Formats
import Geo
import LookoutCore
import LookoutSystem

/// A file an alert setting was read from: the path it was named by, and its bytes as read.
public struct AlertingInput: Sendable, Equatable {
  public var path: String
  public var bytes: [UInt8]

  public init(path: String, bytes: [UInt8]) {
    self.path = path
    self.bytes = bytes
  }
}

/// What a scan places and thresholds its alerts with besides the class thresholds: per-site
/// thresholds, the deployments CSV (`--deployments`), the protected areas (`--areas`) and the
/// site and camera given for the whole card (`--site`, `--camera`). A scan also names an
/// image's camera by the id in its EXIF (``ImageLocator/usesExifCamera``).
///
/// Alerts are derived when the outputs are written, so these settings are not part of the resume
/// fingerprint. The outputs' folder keeps them instead (`AlertingRecord`: `.lookout/alerting.json`
/// and copies of the two files, byte for byte as they were read), so that `rethreshold` and
/// `merge` re-derive the alerts with the same. The files are parsed once, here: a value always
/// holds the ``locator`` its files describe.
public struct AlertingSettings: Sendable {
  /// Site → class name → threshold, over the class thresholds (the config file's
  /// ``LookoutCore/ClassThresholds/sites``).
  public internal(set) var siteThresholds: [String: [String: Double]]
  public internal(set) var deployments: AlertingInput?
  public internal(set) var areas: AlertingInput?
  /// `--site` and `--camera`: every image's, unless its deployment names them.
  public internal(set) var given: ImageOrigin
  /// Where images are, from ``deployments``, ``areas`` and ``given``.
  public private(set) var locator: ImageLocator

  /// No per-site thresholds, deployments, areas or given names: camera from EXIF, else site
  /// and camera from the folder layout; position from EXIF GPS.
  public init() {
    siteThresholds = [:]
    given = ImageOrigin(site: nil, camera: nil)
    locator = ImageLocator(usesExifCamera: true)
  }

  /// Settings from the files' bytes. Errors name each file by its ``AlertingInput/path``; a
  /// site threshold that is not `animal`, `person` or `vehicle` in 0…1 is refused.
  public init(
    siteThresholds: [String: [String: Double]], deployments: AlertingInput? = nil,
    areas: AlertingInput? = nil, given: ImageOrigin = ImageOrigin(site: nil, camera: nil)
  ) throws(ScanError) {
    if let invalid = ClassThresholds(sites: siteThresholds).firstInvalidEntry {
      throw .invalidThreshold(invalid)
    }
    self.siteThresholds = siteThresholds
    self.deployments = deployments
    self.areas = areas
    self.given = given
    var locator = ImageLocator(given: given, usesExifCamera: true)
    if let deployments {
      do {
        locator.deployments = try DeploymentsFile.parseForPlacement(
          deployments.bytes, path: deployments.path)
      } catch {
        throw .deployments(error)
      }
    }
    if let areas {
      do {
        locator.areas = try GeoJSONAreaReader.parse(areas.bytes, path: areas.path)
      } catch {
        throw .areas(error)
      }
    }
    self.locator = locator
  }

  /// Reads the files at the paths given (`lookout scan --deployments`, `--areas`); errors name
  /// the file as given, with the reasons `lookout watch` gives.
  public static func read(
    siteThresholds: [String: [String: Double]], deploymentsPath: String?, areasPath: String?,
    given: ImageOrigin = ImageOrigin(site: nil, camera: nil)
  ) throws(ScanError) -> AlertingSettings {
    var deployments: AlertingInput?
    if let path = deploymentsPath {
      do {
        deployments = AlertingInput(path: path, bytes: try FileReader.read(path))
      } catch {
        throw .deployments(DeploymentsError(file: error))
      }
    }
    var areas: AlertingInput?
    if let path = areasPath {
      do {
        areas = AlertingInput(path: path, bytes: try FileReader.read(path))
      } catch {
        throw .areas(GeoJSONError(path: path, cause: .unreadable(error)))
      }
    }
    return try AlertingSettings(
      siteThresholds: siteThresholds, deployments: deployments, areas: areas, given: given)
  }

  /// The per-site thresholds, to resolve over the class thresholds
  /// (``LookoutCore/ClassThresholds/resolved(defaults:site:)``).
  public var overrides: ClassThresholds { ClassThresholds(sites: siteThresholds) }

  /// The first way `other` places or thresholds alerts differently from these settings, in
  /// words, or nil when they are the same (the files' paths may differ, not their bytes).
  public func firstDifference(from other: AlertingSettings) -> String? {
    if siteThresholds != other.siteThresholds { return "its per-site thresholds differ" }
    if deployments?.bytes != other.deployments?.bytes { return "its deployments file differs" }
    if areas?.bytes != other.areas?.bytes { return "its protected areas differ" }
    if given != other.given { return "its --site or --camera differs" }
    return nil
  }
}
