/// The check every path read from a file (a detections file's `file`, a ground-truth file's
/// image path, a Camtrap DP `filePath` or resource `path`) passes before anything uses it.
///
/// Such a path names a file relative to a folder the user chose (the scanned images, an output
/// folder, a package), and a command joins it to that folder to read or write. A path that is
/// absolute or climbs out with `..` would make the command read or write outside the folder,
/// so it is refused. Backslashes count as separators too (paths from Windows tools use them),
/// so `..\x.jpg` and `C:\x.jpg` are refused as well. Other oddities (`./a.jpg`, `a//b.jpg`)
/// stay inside the folder and are accepted.
///
/// ```swift
/// ContainedPath.problem("site/cam/a.jpg")  // nil
/// ContainedPath.problem("../x.jpg")        // "it contains \"..\" and could lead out of the folder"
/// try ContainedPath.check("/etc/x.jpg", entry: "images[0].file", in: "detections.json")
/// ```
public enum ContainedPath {
  /// Why `path` could lead outside the folder it is relative to, or nil when it cannot.
  public static func problem(_ path: String) -> String? {
    if path.isEmpty { return "it is empty" }
    if path.utf8.contains(0) { return "it contains a NUL character" }
    let first = path.utf8.first
    if first == UInt8(ascii: "/") || first == UInt8(ascii: "\\") {
      return "it is absolute; paths must be relative to the folder"
    }
    if hasDriveLetter(path) {
      return "it starts with a drive letter; paths must be relative to the folder"
    }
    let components = path.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "\\" }
    if components.contains("..") { return "it contains \"..\" and could lead out of the folder" }
    return nil
  }

  /// Throws ``UnsafePathError`` naming `file`, `entry` and the reason when `path` has a
  /// ``problem(_:)``.
  /// - Parameters:
  ///   - path: the path as read.
  ///   - entry: where it was read, e.g. `images[3].file` or `line 7`.
  ///   - file: the file it was read from.
  public static func check(_ path: String, entry: String, in file: String)
    throws(UnsafePathError)
  {
    if let reason = problem(path) {
      throw UnsafePathError(file: file, entry: entry, path: path, reason: reason)
    }
  }

  /// `C:` followed by a separator or nothing (`C:x` is a relative name on Windows, but refused
  /// too: no camera writes it).
  private static func hasDriveLetter(_ path: String) -> Bool {
    let bytes = Array(path.utf8.prefix(2))
    guard bytes.count == 2, bytes[1] == UInt8(ascii: ":") else { return false }
    let c = bytes[0] | 0x20
    return c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")
  }
}

/// A path read from a file that ``ContainedPath`` refused.
///
/// `description` reads like `detections.json: images[3].file "../x.jpg": it contains ".." and
/// could lead out of the folder`.
public struct UnsafePathError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file the path was read from.
  public var file: String
  /// Where in the file, e.g. `images[3].file` or `line 7`.
  public var entry: String
  /// The path as read.
  public var path: String
  public var reason: String

  public init(file: String, entry: String, path: String, reason: String) {
    self.file = file
    self.entry = entry
    self.path = path
    self.reason = reason
  }

  /// The entry, the path and the reason, without the file (for errors that name it already).
  public var detail: String { "\(entry) \(JSONWriter.compact.string(.string(path))): \(reason)" }

  public var description: String { "\(file): \(detail)" }
}
