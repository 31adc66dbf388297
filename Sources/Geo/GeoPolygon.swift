/// Where a point lies relative to a ring or polygon.
public enum PointLocation: Sendable, Equatable {
  case inside
  case outside
  /// On an edge or a vertex.
  case boundary
}

/// A closed ring of positions (the first position need not be repeated at the end).
///
/// ``locate(_:)`` is exact for points on edges and vertices up to a relative tolerance of about
/// 1e-12 (sub-millimetre at any latitude), and uses the even-odd crossing rule elsewhere, so a
/// point is never counted twice at a vertex the ray passes through.
public struct LinearRing: Sendable, Equatable {
  /// The vertices, without the closing repeat.
  public private(set) var points: [GeoPoint]
  public let bounds: GeoBounds

  /// A ring through `points`; a last point equal to the first is dropped. Needs three or more
  /// distinct vertices to enclose anything (fewer gives a ring that contains no point).
  public init(_ points: [GeoPoint]) {
    var vertices = points
    if vertices.count > 1, vertices.first == vertices.last { vertices.removeLast() }
    self.points = vertices
    bounds = GeoBounds(vertices)
  }

  /// Inside, outside or on the boundary of this ring.
  public func locate(_ p: GeoPoint) -> PointLocation {
    guard points.count >= 3 else {
      // A degenerate ring encloses nothing, but a point on its segment is still on its boundary.
      for i in points.indices where Self.onSegment(p, points[i], points[(i + 1) % points.count]) {
        return .boundary
      }
      return .outside
    }
    guard bounds.contains(p) else { return .outside }
    var inside = false
    var j = points.count - 1
    for i in points.indices {
      let a = points[j]
      let b = points[i]
      if Self.onSegment(p, a, b) { return .boundary }
      // Half-open rule: an edge counts when it straddles the horizontal line through p with one
      // end strictly above and the other on or below it, so a vertex on the line counts once.
      if (a.latitude > p.latitude) != (b.latitude > p.latitude) {
        let t = (p.latitude - a.latitude) / (b.latitude - a.latitude)
        let x = a.longitude + t * (b.longitude - a.longitude)
        if p.longitude < x { inside.toggle() }
      }
      j = i
    }
    return inside ? .inside : .outside
  }

  /// Whether `p` lies on the segment from `a` to `b` (end points included).
  static func onSegment(_ p: GeoPoint, _ a: GeoPoint, _ b: GeoPoint) -> Bool {
    let minX = min(a.longitude, b.longitude)
    let maxX = max(a.longitude, b.longitude)
    let minY = min(a.latitude, b.latitude)
    let maxY = max(a.latitude, b.latitude)
    let slack = 1e-12 * max(1, abs(maxX), abs(maxY))
    guard p.longitude >= minX - slack, p.longitude <= maxX + slack,
      p.latitude >= minY - slack, p.latitude <= maxY + slack
    else { return false }
    let dx = b.longitude - a.longitude
    let dy = b.latitude - a.latitude
    let cross = dx * (p.latitude - a.latitude) - dy * (p.longitude - a.longitude)
    let length = (dx * dx + dy * dy).squareRoot()
    if length == 0 { return p == a }
    // `cross / length` is the distance from the line through a and b.
    return abs(cross) <= slack * length
  }
}

/// A polygon: an exterior ring and any number of holes.
///
/// Points on the exterior ring or on a hole's ring are on the polygon's boundary, which counts as
/// inside for geofencing (a person on the fence line is at the protected area). Points strictly
/// inside a hole are outside.
public struct GeoPolygon: Sendable, Equatable {
  public var exterior: LinearRing
  public var holes: [LinearRing]

  public init(exterior: LinearRing, holes: [LinearRing] = []) {
    self.exterior = exterior
    self.holes = holes
  }

  public func locate(_ p: GeoPoint) -> PointLocation {
    switch exterior.locate(p) {
    case .outside: return .outside
    case .boundary: return .boundary
    case .inside:
      for hole in holes {
        switch hole.locate(p) {
        case .inside: return .outside
        case .boundary: return .boundary
        case .outside: continue
        }
      }
      return .inside
    }
  }

  /// Inside or on the boundary.
  public func contains(_ p: GeoPoint) -> Bool { locate(p) != .outside }
}
