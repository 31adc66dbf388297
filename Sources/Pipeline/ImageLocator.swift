import Formats
import Geo
import LookoutCore

/// Where an image's position came from.
public enum LocationSource: String, Sendable, Equatable {
  /// The image's EXIF GPS tags.
  case exif
  /// Its deployment's coordinates.
  case deployment
}

/// Where an image was taken and what that means for the geofence.
public struct ImagePlace: Sendable, Equatable {
  /// The position, as read (alerts round it, see ``AlertRule``).
  public var point: GeoPoint?
  public var source: LocationSource?
  /// Metres above sea level: the EXIF altitude when the position is the EXIF one (a
  /// deployment has none, and an altitude without a position is not trusted).
  public var altitude: Double?
  public var deployment: Deployment?
  /// The protected areas containing the point, in file order.
  public var areas: [String]
  /// Inside a protected area (true), outside all of them (false), or unknown (nil: no position,
  /// or no areas configured).
  public var inside: Bool?
  /// Site and camera: the deployment's when it names them, else as
  /// ``ImageLocator/origin(relativePath:outcome:)`` says.
  public var site: String?
  public var camera: String?
}

/// Finds an image's position (EXIF GPS, else its deployment) and the protected areas it is in.
/// `scan` and `watch` both place their alerts with it (through ``OutputContext/locator``).
public struct ImageLocator: Sendable {
  public var areas: ProtectedAreas?
  public var deployments: DeploymentsFile?
  /// Site and camera for every image without a deployment that names them (`lookout scan
  /// --site`, `--camera`); nil members leave the choice to EXIF and the folders.
  public var given: ImageOrigin
  /// Whether an image's EXIF camera id (``ImageOutcome/cameraID``) names its camera before the
  /// folders do: `scan` does, `watch` keeps its folder layout.
  public var usesExifCamera: Bool

  public init(
    areas: ProtectedAreas? = nil, deployments: DeploymentsFile? = nil,
    given: ImageOrigin = ImageOrigin(site: nil, camera: nil), usesExifCamera: Bool = false
  ) {
    self.areas = areas
    self.deployments = deployments
    self.given = given
    self.usesExifCamera = usesExifCamera
  }

  /// The site and camera of an image, first that names them wins: its deployment's, then
  /// ``given``, then its EXIF camera id (when ``usesExifCamera``), then the folder layout
  /// (``LookoutCore/ImageOrigin/init(relativePath:)``).
  public func origin(relativePath: String, outcome: ImageOutcome) -> ImageOrigin {
    origin(
      relativePath: relativePath, outcome: outcome,
      deployment: deployments?.deployment(
        forPath: relativePath, capturedLocal: outcome.capturedLocal))
  }

  private func origin(
    relativePath: String, outcome: ImageOutcome, deployment: Deployment?
  ) -> ImageOrigin {
    ImageOrigin(relativePath: relativePath).placed(
      deploymentSite: deployment?.site, deploymentCamera: deployment?.cameraID, given: given,
      exifCamera: usesExifCamera ? outcome.cameraID : nil)
  }

  public func place(relativePath: String, outcome: ImageOutcome) -> ImagePlace {
    let deployment = deployments?.deployment(
      forPath: relativePath, capturedLocal: outcome.capturedLocal)
    let origin = self.origin(relativePath: relativePath, outcome: outcome, deployment: deployment)
    var place = ImagePlace(
      point: nil, source: nil, altitude: nil, deployment: deployment, areas: [], inside: nil,
      site: origin.site, camera: origin.camera)
    if let lat = outcome.latitude, let lon = outcome.longitude,
      // (0, 0) is what receivers without a fix write.
      !(lat == 0 && lon == 0)
    {
      let point = GeoPoint(latitude: lat, longitude: lon)
      if point.isValid {
        place.point = point
        place.source = .exif
        place.altitude = outcome.altitude
      }
    }
    if place.point == nil, let deployment {
      place.point = GeoPoint(latitude: deployment.latitude, longitude: deployment.longitude)
      place.source = .deployment
    }
    if let areas, let point = place.point {
      place.areas = areas.names(containing: point)
      place.inside = !place.areas.isEmpty
    }
    return place
  }
}
