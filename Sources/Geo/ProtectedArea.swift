/// A named protected area: one or more polygons (a GeoJSON Polygon or MultiPolygon).
public struct ProtectedArea: Sendable, Equatable {
  /// The feature's `name` property (or a generated `area N` when it has none).
  public var name: String
  public var polygons: [GeoPolygon]
  public let bounds: GeoBounds

  public init(name: String, polygons: [GeoPolygon]) {
    self.name = name
    self.polygons = polygons
    bounds = GeoBounds(polygons.flatMap(\.exterior.points))
  }

  /// Whether `point` is inside one of the polygons or on a boundary.
  public func contains(_ point: GeoPoint) -> Bool {
    guard bounds.contains(point) else { return false }
    return polygons.contains { $0.contains(point) }
  }
}

/// The protected areas of a deployment region, in file order.
public struct ProtectedAreas: Sendable, Equatable {
  public var areas: [ProtectedArea]

  public init(_ areas: [ProtectedArea]) { self.areas = areas }

  /// The names of every area containing `point`, in file order (areas may overlap).
  public func names(containing point: GeoPoint) -> [String] {
    areas.filter { $0.contains(point) }.map(\.name)
  }
}
