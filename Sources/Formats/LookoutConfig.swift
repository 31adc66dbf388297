import Foundation
import LookoutCore
import LookoutSystem

/// A config file that could not be read or written.
public enum LookoutConfigError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file could not be read: the failed step with its `errno`.
  case file(FileIOError)
  /// The file is not JSON: the parser's own error.
  case notJSON(path: String, JSONParseError)
  /// The file is JSON, but a member Lookout reads is not what it expects.
  case invalid(path: String, reason: String)

  /// The config file.
  public var path: String {
    switch self {
    case .file(let error): return error.path
    case .notJSON(let path, _), .invalid(let path, _): return path
    }
  }

  /// What is wrong, without the file's name.
  public var reason: String {
    switch self {
    case .file(let error): return error.reason
    case .notJSON(_, let error): return error.description
    case .invalid(_, let reason): return reason
    }
  }

  public var description: String { "config file \(path): \(reason)" }
}

/// The config file that `scan` and `watch` read with `--config FILE`, and `tune` updates.
///
/// A JSON object. Lookout's own members are documented here; any other member is kept as it is,
/// in its place, when Lookout rewrites the file.
///
/// ```json
/// {
///   "thresholds": {
///     "animal": 0.3,
///     "person": 0.42,
///     "vehicle": 0.5,
///     "sites": {
///       "river-camp": {"person": 0.35}
///     }
///   }
/// }
/// ```
///
/// - `thresholds`: the alert threshold per class (a detection at or above it counts; person and
///   vehicle raise alerts), each a number in 0…1; classes left out keep the model's default.
///   `sites` optionally overrides classes for the images of one site (the site of the image's
///   deployment when `--deployments` names one, else the first folder of the path, see the
///   README's folder layout).
/// - `watch`: `lookout watch`'s own options, which the Watch module reads (``member(_:)``);
///   like any other member, kept as it is here.
///
/// ``write(to:)`` writes the whole object with two-space indentation and a final newline,
/// atomically (``AtomicFileWriter``): readers see the old file or the new one.
/// ``settingThresholds(_:)`` replaces only the `thresholds` member (appended at the end when the
/// file had none), so other members and the key order survive a `tune`.
public struct LookoutConfig: Sendable, Equatable {
  /// Every member of the file, in order.
  public var members: [(String, JSONValue)]

  public init(members: [(String, JSONValue)] = []) { self.members = members }

  public static func == (a: LookoutConfig, b: LookoutConfig) -> Bool {
    JSONValue.object(a.members) == JSONValue.object(b.members)
  }

  /// The member `name` (the first, should the file repeat it); nil when there is none. For
  /// members that belong to one tool, such as `watch`, which that tool reads itself.
  public func member(_ name: String) -> JSONValue? {
    members.first { $0.0 == name }?.1
  }

  /// The `thresholds` member, validated (``ClassThresholds``'s `Decodable` reading); empty
  /// settings when there is none.
  public func thresholds(path: String = "config") throws(LookoutConfigError) -> ClassThresholds {
    guard let value = JSONValue.object(members)[ClassThresholds.configMember], !value.isNull
    else {
      return ClassThresholds()
    }
    do {
      return try JSONDecoder().decode(
        ClassThresholds.self, from: Data(JSONWriter.compact.bytes(value)))
    } catch let problem as ClassThresholds.DecodingProblem {
      throw .invalid(path: path, reason: problem.reason)
    } catch {
      throw .invalid(path: path, reason: String(describing: error))
    }
  }

  /// A copy whose `thresholds` member is `settings`, every other member unchanged and in place.
  /// Classes are written animal, person, vehicle first, then others by name; then `sites`
  /// (sites by name) when there are any.
  public func settingThresholds(_ settings: ClassThresholds) -> LookoutConfig {
    let value = LookoutConfig.thresholdsValue(settings)
    var copy = self
    if let i = copy.members.firstIndex(where: { $0.0 == "thresholds" }) {
      copy.members[i].1 = value
    } else {
      copy.members.append(("thresholds", value))
    }
    return copy
  }

  static func classesValue(_ map: [String: Double]) -> [(String, JSONValue)] {
    ClassThresholds.orderedClassNames(map).map { ($0, .number(map[$0]!)) }
  }

  static func thresholdsValue(_ settings: ClassThresholds) -> JSONValue {
    var members = classesValue(settings.classes)
    if !settings.sites.isEmpty {
      let sites = settings.sites.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      members.append(
        ("sites", .object(sites.map { ($0, .object(classesValue(settings.sites[$0]!))) })))
    }
    return .object(members)
  }

  /// The file's text: ``JSONWriter/pretty`` and a newline.
  public func text() -> String { JSONWriter.pretty.string(.object(members)) + "\n" }

  /// Parses a config document.
  public static func parse(_ bytes: [UInt8], path: String) throws(LookoutConfigError)
    -> LookoutConfig
  {
    let value: JSONValue
    do {
      value = try JSONParser.parse(bytes)
    } catch {
      throw .notJSON(path: path, error)
    }
    guard let members = value.objectMembers else {
      throw .invalid(path: path, reason: "not a JSON object")
    }
    let config = LookoutConfig(members: members)
    _ = try config.thresholds(path: path)
    return config
  }

  /// Reads the file at `path`; a file that does not exist reads as an empty config when
  /// `missingIsEmpty` (what `tune` wants when it creates the file).
  public static func read(path: String, missingIsEmpty: Bool = false) throws(LookoutConfigError)
    -> LookoutConfig
  {
    let bytes: [UInt8]
    do {
      bytes = try FileReader.read(path)
    } catch {
      if missingIsEmpty && error.step == .open && error.code == ENOENT {
        return LookoutConfig()
      }
      throw .file(error)
    }
    return try parse(bytes, path: path)
  }

  /// Writes the file atomically, through a symbolic link and keeping the file's mode and owner
  /// (``AtomicFileWriter/replace(_:at:)``).
  public func write(to path: String) throws(FileIOError) {
    try AtomicFileWriter.replace(text(), at: path)
  }
}
