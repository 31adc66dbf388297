import Formats
import LookoutSystem

/// Reads protected areas from GeoJSON (RFC 7946).
///
/// Accepted: a FeatureCollection, a single Feature, or a bare Polygon or MultiPolygon geometry.
/// Each feature must have a Polygon or MultiPolygon geometry (a GeometryCollection of them is
/// accepted too); its name is the first of the properties `name`, `NAME`, `Name`, `title` that is
/// a string, else `area N` (N counting features from 1). Positions are `[longitude, latitude]`
/// (a third number, altitude, is ignored); rings must have at least four positions and be closed
/// (first and last equal), as the RFC requires. Features with a null geometry are skipped.
/// An area across the antimeridian may be cut at ±180 into a MultiPolygon (RFC 7946 section
/// 3.1.9) or be one Polygon whose ring jumps from 179 to -179; both are read as the same area
/// (``LinearRing``).
public enum GeoJSONAreaReader {
  /// Reads and parses the file at `path`.
  public static func read(path: String) throws(GeoJSONError) -> ProtectedAreas {
    let bytes: [UInt8]
    do {
      bytes = try FileReader.read(path)
    } catch {
      throw GeoJSONError(path: path, cause: .unreadable(error))
    }
    return try parse(bytes, path: path)
  }

  /// Parses a GeoJSON document; `path` only names it in errors.
  public static func parse(_ bytes: [UInt8], path: String) throws(GeoJSONError) -> ProtectedAreas {
    let root: JSONValue
    do {
      root = try JSONParser.parse(bytes)
    } catch {
      throw GeoJSONError(path: path, cause: .notJSON(error))
    }
    func fail(_ reason: String) -> GeoJSONError { GeoJSONError(path: path, reason: reason) }
    guard let type = root["type"]?.stringValue else { throw fail("no \"type\" member") }
    var areas: [ProtectedArea] = []
    switch type {
    case "FeatureCollection":
      guard let features = root["features"]?.arrayValue else {
        throw fail("FeatureCollection without a \"features\" array")
      }
      for (index, feature) in features.enumerated() {
        if let area = try self.feature(feature, index: index, path: path) { areas.append(area) }
      }
    case "Feature":
      if let area = try feature(root, index: 0, path: path) { areas.append(area) }
    default:
      let polygons = try geometry(root, context: "geometry", path: path)
      areas.append(ProtectedArea(name: "area 1", polygons: polygons))
    }
    return ProtectedAreas(areas)
  }

  private static func feature(_ value: JSONValue, index: Int, path: String) throws(GeoJSONError)
    -> ProtectedArea?
  {
    guard value["type"]?.stringValue == "Feature" else {
      throw GeoJSONError(path: path, reason: "feature \(index): not a Feature object")
    }
    let properties = value["properties"]
    let name = ["name", "NAME", "Name", "title"].lazy.compactMap {
      properties?[$0]?.stringValue
    }.first
    let label = name.map { "feature \(index) (\($0))" } ?? "feature \(index)"
    guard let geometryValue = value["geometry"], !geometryValue.isNull else { return nil }
    let polygons = try geometry(geometryValue, context: label, path: path)
    return ProtectedArea(name: name ?? "area \(index + 1)", polygons: polygons)
  }

  private static func geometry(_ value: JSONValue, context: String, path: String)
    throws(GeoJSONError) -> [GeoPolygon]
  {
    func fail(_ reason: String) -> GeoJSONError {
      GeoJSONError(path: path, reason: "\(context): \(reason)")
    }
    guard let type = value["type"]?.stringValue else { throw fail("geometry without a type") }
    switch type {
    case "Polygon":
      guard let rings = value["coordinates"]?.arrayValue else {
        throw fail("Polygon without coordinates")
      }
      return [try polygon(rings, context: context, path: path)]
    case "MultiPolygon":
      guard let parts = value["coordinates"]?.arrayValue else {
        throw fail("MultiPolygon without coordinates")
      }
      var out: [GeoPolygon] = []
      for (i, part) in parts.enumerated() {
        guard let rings = part.arrayValue else { throw fail("polygon \(i) is not an array") }
        out.append(try polygon(rings, context: "\(context) polygon \(i)", path: path))
      }
      return out
    case "GeometryCollection":
      guard let members = value["geometries"]?.arrayValue else {
        throw fail("GeometryCollection without geometries")
      }
      var out: [GeoPolygon] = []
      for member in members {
        out += try geometry(member, context: context, path: path)
      }
      return out
    default:
      throw fail("geometry type \(type) is not an area (Polygon or MultiPolygon expected)")
    }
  }

  private static func polygon(_ rings: [JSONValue], context: String, path: String)
    throws(GeoJSONError) -> GeoPolygon
  {
    func fail(_ reason: String) -> GeoJSONError {
      GeoJSONError(path: path, reason: "\(context): \(reason)")
    }
    guard !rings.isEmpty else { throw fail("polygon without rings") }
    var parsed: [LinearRing] = []
    for (r, ring) in rings.enumerated() {
      guard let positions = ring.arrayValue else { throw fail("ring \(r) is not an array") }
      var points: [GeoPoint] = []
      for (k, position) in positions.enumerated() {
        guard let numbers = position.arrayValue, numbers.count >= 2,
          let lon = numbers[0].doubleValue, let lat = numbers[1].doubleValue
        else { throw fail("ring \(r) position \(k) is not [longitude, latitude]") }
        let point = GeoPoint(latitude: lat, longitude: lon)
        guard point.isValid else {
          throw fail("ring \(r) position \(k) [\(lon), \(lat)] is out of range")
        }
        points.append(point)
      }
      guard points.count >= 4 else {
        throw fail("ring \(r) has \(points.count) positions; a closed ring needs at least 4")
      }
      guard points.first == points.last else {
        throw fail("ring \(r) is not closed (its last position must repeat the first)")
      }
      parsed.append(LinearRing(points))
    }
    return GeoPolygon(exterior: parsed[0], holes: Array(parsed.dropFirst()))
  }
}
