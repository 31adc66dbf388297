import Formats
import LookoutSystem

/// A GeoJSON file of protected areas that could not be used: the file and its cause, kept typed
/// (the read's ``LookoutSystem/FileIOError``, the parser's ``Formats/JSONParseError``, or what is wrong
/// with the document, naming the feature by its 0-based index and its name when it has one).
public struct GeoJSONError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Why the file could not be used.
  public enum Cause: Sendable, Equatable {
    /// The file could not be read.
    case unreadable(FileIOError)
    /// The file is not JSON.
    case notJSON(JSONParseError)
    /// The JSON is not GeoJSON that Lookout reads.
    case invalid(String)
  }

  public var path: String
  public var cause: Cause

  public init(path: String, cause: Cause) {
    self.path = path
    self.cause = cause
  }

  /// A document that is not GeoJSON Lookout reads, for `reason`.
  public init(path: String, reason: String) {
    self.init(path: path, cause: .invalid(reason))
  }

  /// The cause in words: the read's reason, the parser's, or what is wrong.
  public var reason: String {
    switch cause {
    case .unreadable(let error): return error.reason
    case .notJSON(let error): return error.description
    case .invalid(let reason): return reason
    }
  }

  public var description: String { "protected areas \(path): \(reason)" }
}
