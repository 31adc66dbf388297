import Testing

@testable import Geo

/// Protected areas that span the antimeridian (±180° longitude), written either as RFC 7946
/// section 3.1.9 asks (cut into a MultiPolygon at ±180) or as one polygon whose ring jumps
/// from 179 to -179.
struct AntimeridianTests {
  private static func parse(_ text: String) throws(GeoJSONError) -> ProtectedAreas {
    try GeoJSONAreaReader.parse(Array(text.utf8), path: "areas.geojson")
  }

  private static func point(_ longitude: Double, _ latitude: Double = 0.5) -> GeoPoint {
    GeoPoint(latitude: latitude, longitude: longitude)
  }

  /// The park from 179°E to 179°W, between latitudes 0 and 1, as a single polygon.
  static let jumpingPolygon = """
    {"type": "Feature", "properties": {"name": "Dateline park"},
     "geometry": {"type": "Polygon", "coordinates": [
       [[179, 0], [-179, 0], [-179, 1], [179, 1], [179, 0]]]}}
    """

  /// The same park cut at the antimeridian into two parts.
  static let cutMultiPolygon = """
    {"type": "Feature", "properties": {"name": "Dateline park"},
     "geometry": {"type": "MultiPolygon", "coordinates": [
       [[[179, 0], [180, 0], [180, 1], [179, 1], [179, 0]]],
       [[[-180, 0], [-179, 0], [-179, 1], [-180, 1], [-180, 0]]]]}}
    """

  @Test(arguments: [AntimeridianTests.jumpingPolygon, AntimeridianTests.cutMultiPolygon])
  func pointsNearTheAntimeridianAreInsideAndPointsFarAwayAreNot(_ geojson: String) throws {
    let areas = try Self.parse(geojson)
    for longitude in [179.5, 180, -180, -179.5, 179, -179] {
      #expect(
        areas.names(containing: Self.point(longitude)) == ["Dateline park"], "\(longitude)")
    }
    for longitude in [0, 90, -90, 178.5, -178.5] {
      #expect(areas.names(containing: Self.point(longitude)).isEmpty, "\(longitude)")
    }
    #expect(areas.names(containing: Self.point(179.5, 1.5)).isEmpty)
    #expect(areas.names(containing: Self.point(-179.5, -0.5)).isEmpty)
  }

  @Test func aRingStartingWestOfTheAntimeridianWorksToo() throws {
    let areas = try Self.parse(
      """
      {"type": "Polygon", "coordinates": [
        [[-179, 1], [179, 1], [179, 0], [-179, 0], [-179, 1]]]}
      """)
    #expect(areas.names(containing: Self.point(179.5)) == ["area 1"])
    #expect(areas.names(containing: Self.point(-179.5)) == ["area 1"])
    #expect(areas.names(containing: Self.point(0)).isEmpty)
  }

  @Test func aHoleAcrossTheAntimeridianIsOutside() throws {
    let areas = try Self.parse(
      """
      {"type": "Polygon", "coordinates": [
        [[178, -2], [-178, -2], [-178, 2], [178, 2], [178, -2]],
        [[179.5, -0.5], [-179.5, -0.5], [-179.5, 0.5], [179.5, 0.5], [179.5, -0.5]]]}
      """)
    #expect(areas.names(containing: Self.point(178.5, 0)) == ["area 1"])
    #expect(areas.names(containing: Self.point(-178.5, 0)) == ["area 1"])
    #expect(areas.names(containing: Self.point(179.9, 0)).isEmpty)
    #expect(areas.names(containing: Self.point(-179.9, 0)).isEmpty)
    #expect(areas.names(containing: Self.point(0, 0)).isEmpty)
  }

  @Test func aRingThatDoesNotCrossIsReadAsBefore() {
    // Wide, but every edge shorter than 180 degrees: not an antimeridian crossing.
    let ring = LinearRing([
      Self.point(-170, 0), Self.point(0, 0), Self.point(170, 0), Self.point(170, 1),
      Self.point(0, 1), Self.point(-170, 1),
    ])
    #expect(ring.locate(Self.point(0)) == .inside)
    #expect(ring.locate(Self.point(179.5)) == .outside)
    #expect(ring.locate(Self.point(-179.5)) == .outside)
  }
}
