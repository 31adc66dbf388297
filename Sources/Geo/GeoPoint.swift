/// A WGS 84 position in decimal degrees (latitude north positive, longitude east positive).
///
/// Geometry in this module is planar in (longitude, latitude): fine for protected areas of up to
/// a few hundred kilometres away from the poles; areas crossing the antimeridian must be split
/// into parts that do not (as RFC 7946 asks of GeoJSON writers anyway).
public struct GeoPoint: Sendable, Equatable, Hashable, CustomStringConvertible {
  public var latitude: Double
  public var longitude: Double

  public init(latitude: Double, longitude: Double) {
    self.latitude = latitude
    self.longitude = longitude
  }

  /// Whether both coordinates are finite and within -90…90 and -180…180.
  public var isValid: Bool {
    latitude.isFinite && longitude.isFinite && abs(latitude) <= 90 && abs(longitude) <= 180
  }

  public var description: String { "(\(latitude), \(longitude))" }
}

/// The smallest longitude/latitude rectangle around a set of points.
public struct GeoBounds: Sendable, Equatable {
  public var minLatitude: Double
  public var maxLatitude: Double
  public var minLongitude: Double
  public var maxLongitude: Double

  /// The bounds of `points`, which must not be empty.
  public init(_ points: some Sequence<GeoPoint>) {
    var minLat = Double.infinity
    var maxLat = -Double.infinity
    var minLon = Double.infinity
    var maxLon = -Double.infinity
    for p in points {
      minLat = min(minLat, p.latitude)
      maxLat = max(maxLat, p.latitude)
      minLon = min(minLon, p.longitude)
      maxLon = max(maxLon, p.longitude)
    }
    minLatitude = minLat
    maxLatitude = maxLat
    minLongitude = minLon
    maxLongitude = maxLon
  }

  /// Whether `point` lies in the rectangle, edges included.
  public func contains(_ point: GeoPoint) -> Bool {
    point.latitude >= minLatitude && point.latitude <= maxLatitude
      && point.longitude >= minLongitude && point.longitude <= maxLongitude
  }
}
