import Testing

@testable import Geo

private func parse(_ text: String) throws(GeoJSONError) -> ProtectedAreas {
  try GeoJSONAreaReader.parse(Array(text.utf8), path: "areas.geojson")
}

@Test func featureCollectionWithPolygonAndMultiPolygon() throws {
  let areas = try parse(
    """
    {"type": "FeatureCollection", "features": [
      {"type": "Feature", "properties": {"name": "Core zone"},
       "geometry": {"type": "Polygon", "coordinates": [
         [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
         [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]]}},
      {"type": "Feature", "properties": {"NAME": "Islands"},
       "geometry": {"type": "MultiPolygon", "coordinates": [
         [[[20, 20], [21, 20], [21, 21], [20, 20]]],
         [[[30, 30, 1200], [31, 30, 1200], [31, 31, 1200], [30, 30, 1200]]]]}},
      {"type": "Feature", "properties": {}, "geometry": null},
      {"type": "Feature", "properties": null,
       "geometry": {"type": "Polygon", "coordinates": [[[50, 0], [51, 0], [51, 1], [50, 0]]]}}
    ]}
    """)
  #expect(areas.areas.map(\.name) == ["Core zone", "Islands", "area 4"])
  #expect(areas.areas[0].polygons[0].holes.count == 1)
  #expect(areas.names(containing: GeoPoint(latitude: 1, longitude: 1)) == ["Core zone"])
  #expect(areas.names(containing: GeoPoint(latitude: 5, longitude: 5)).isEmpty)
  #expect(areas.names(containing: GeoPoint(latitude: 30.2, longitude: 30.5)) == ["Islands"])
  #expect(areas.names(containing: GeoPoint(latitude: 0.5, longitude: 50.9)) == ["area 4"])
}

@Test func bareGeometryAndSingleFeature() throws {
  let bare = try parse(
    #"{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}"#)
  #expect(bare.areas.map(\.name) == ["area 1"])
  let single = try parse(
    #"{"type": "Feature", "properties": {"name": "Gate"}, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}"#
  )
  #expect(single.areas.map(\.name) == ["Gate"])
}

@Test func errorsNameTheFeatureAndTheProblem() {
  func reason(_ text: String) -> String? {
    do {
      _ = try parse(text)
      return nil
    } catch {
      return error.description
    }
  }
  #expect(reason("{") != nil)
  #expect(
    reason(
      #"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Road"}, "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}]}"#
    ) == "protected areas areas.geojson: feature 0 (Road): geometry type LineString is not an area "
      + "(Polygon or MultiPolygon expected)")
  #expect(
    reason(#"{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}"#)?
      .contains("not closed") == true)
  #expect(
    reason(#"{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}"#)?
      .contains("at least 4") == true)
  #expect(
    reason(#"{"type": "Polygon", "coordinates": [[[0, 0], [1, 95], [1, 1], [0, 0]]]}"#)?
      .contains("out of range") == true)
}
