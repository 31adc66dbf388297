/// A WGS 84 position in decimal degrees (latitude north positive, longitude east positive).
///
/// Geometry in this module is planar in (longitude, latitude): fine for protected areas of up to
/// a few hundred kilometres away from the poles. Areas crossing the antimeridian may be cut into
/// parts at ±180 (as RFC 7946 section 3.1.9 asks of GeoJSON writers) or be single rings that jump
/// across it (see ``LinearRing``).
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

  /// Whether `point`, or its copy 360 degrees east or west when the rectangle reaches past ±180
  /// (the bounds of a ring that crosses the antimeridian), lies in the rectangle, edges included.
  public func contains(_ point: GeoPoint) -> Bool {
    longitudeCopies(of: point).contains { containsAsGiven($0) }
  }

  /// `point`, then its copy 360 degrees east when the rectangle reaches past 180, and its copy
  /// 360 degrees west when it reaches past -180: the positions of `point` that rings with
  /// continuous longitudes across the antimeridian (``LinearRing``) are tested against.
  func longitudeCopies(of point: GeoPoint) -> [GeoPoint] {
    var copies = [point]
    if maxLongitude > 180 {
      copies.append(GeoPoint(latitude: point.latitude, longitude: point.longitude + 360))
    }
    if minLongitude < -180 {
      copies.append(GeoPoint(latitude: point.latitude, longitude: point.longitude - 360))
    }
    return copies
  }

  /// Whether `point` lies in the rectangle as it is, edges included.
  func containsAsGiven(_ point: GeoPoint) -> Bool {
    point.latitude >= minLatitude && point.latitude <= maxLatitude
      && point.longitude >= minLongitude && point.longitude <= maxLongitude
  }
}
