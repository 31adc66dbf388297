/// A GeoJSON file of protected areas that could not be used: the file and the reason, which
/// names the feature (0-based index and name when it has one).
public struct GeoJSONError: Error, Sendable, Equatable, CustomStringConvertible {
  public var path: String
  public var reason: String

  public init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }

  public var description: String { "protected areas \(path): \(reason)" }
}
