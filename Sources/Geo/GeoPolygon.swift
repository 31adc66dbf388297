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
///
/// **The antimeridian.** An edge whose ends are more than 180 degrees of longitude apart is taken
/// to cross the antimeridian the short way (from 179 to -179 is 2 degrees east, not 358 west):
/// no protected area has an edge half way round the Earth. Such a ring's longitudes are made
/// continuous from its first vertex on (179, -179 becomes 179, 181), so ``points`` and
/// ``bounds`` may reach past ±180, and a point is tested as given and 360 degrees east or west.
/// A ring that winds once round a pole (its longitudes do not come back to the start) is kept
/// as given.
public struct LinearRing: Sendable, Equatable {
  /// The vertices, without the closing repeat (longitudes continuous across the antimeridian).
  public private(set) var points: [GeoPoint]
  public let bounds: GeoBounds

  /// A ring through `points`; a last point equal to the first is dropped. Needs three or more
  /// distinct vertices to enclose anything (fewer gives a ring that contains no point).
  public init(_ points: [GeoPoint]) {
    var vertices = points
    if vertices.count > 1, vertices.first == vertices.last { vertices.removeLast() }
    vertices = Self.continuousLongitudes(vertices)
    self.points = vertices
    bounds = GeoBounds(vertices)
  }

  /// `vertices` with 360 added to or taken from longitudes after each edge that jumps more than
  /// 180 degrees, so no edge does; `vertices` unchanged when there is no such edge or when the
  /// closing edge would still jump (a ring round a pole).
  static func continuousLongitudes(_ vertices: [GeoPoint]) -> [GeoPoint] {
    guard vertices.count >= 2 else { return vertices }
    var continuous = vertices
    var offset = 0.0
    for i in 1..<vertices.count {
      let step = vertices[i].longitude - vertices[i - 1].longitude
      if step > 180 { offset -= 360 } else if step < -180 { offset += 360 }
      continuous[i].longitude = vertices[i].longitude + offset
    }
    let closing = continuous[0].longitude - continuous[continuous.count - 1].longitude
    return abs(closing) <= 180 ? continuous : vertices
  }

  /// Inside, outside or on the boundary of this ring: inside when `p` or its copy 360 degrees
  /// east or west (``GeoBounds/longitudeCopies(of:)``) is inside, else on the boundary when one
  /// of them is on it.
  public func locate(_ p: GeoPoint) -> PointLocation {
    var location = PointLocation.outside
    for copy in bounds.longitudeCopies(of: p) {
      switch locateAsGiven(copy) {
      case .inside: return .inside
      case .boundary: location = .boundary
      case .outside: continue
      }
    }
    return location
  }

  /// Inside, outside or on the boundary of this ring, with `p`'s longitude as given.
  private func locateAsGiven(_ p: GeoPoint) -> PointLocation {
    guard points.count >= 3 else {
      // A degenerate ring encloses nothing, but a point on its segment is still on its boundary.
      for i in points.indices where Self.onSegment(p, points[i], points[(i + 1) % points.count]) {
        return .boundary
      }
      return .outside
    }
    guard bounds.containsAsGiven(p) else { return .outside }
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
