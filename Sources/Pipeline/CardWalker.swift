import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One image file found on a card.
///
/// `relativePath` uses `/` separators and is the key every output is sorted and identified by.
/// `path` is the absolute path as raw bytes, so names that are not valid UTF-8 can still be opened.
public struct CardFile: Sendable, Hashable {
  /// Path relative to the scanned folder, for display and outputs (lossy for non-UTF-8 names).
  public var relativePath: String
  /// The file's full path as raw bytes (no trailing NUL).
  public var path: [UInt8]
  /// Size in bytes when walked.
  public var size: Int64
  /// Modification time when walked, in whole nanoseconds since 1970.
  public var modifiedNanoseconds: Int64

  public init(relativePath: String, path: [UInt8], size: Int64, modifiedNanoseconds: Int64) {
    self.relativePath = relativePath
    self.path = path
    self.size = size
    self.modifiedNanoseconds = modifiedNanoseconds
  }

  /// The full path as a String (lossy for names that are not valid UTF-8).
  public var displayPath: String { String(decoding: path, as: UTF8.self) }
}

/// A folder the walk could not enter.
public struct WalkProblem: Sendable, Equatable {
  public var relativePath: String
  public var reason: String
}

/// Finds the images on a card: recursive, in a deterministic order, never looping.
///
/// Rules (documented in the README):
/// - files ending in `.jpg`, `.jpeg` or `.png` in any letter case are images;
/// - hidden files and folders (names starting with `.`, which covers macOS `._` files),
///   `Thumbs.db` and `desktop.ini` are skipped;
/// - symbolic links are followed, but a folder already visited (same device and inode) is never
///   entered twice, so link loops end;
/// - the result is sorted by relative path, compared as UTF-8 bytes.
public struct CardWalker: Sendable {
  public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]
  private static let skippedNames: Set<String> = ["thumbs.db", "desktop.ini"]

  public init() {}

  /// Walks `root`. Folders that cannot be entered are returned as problems, not thrown; image
  /// names that cannot be stat'ed (dangling links) are listed as files so that scanning them
  /// fails with the reason. Only a root that cannot be read at all throws.
  public func walk(root: String) throws(ScanError) -> (files: [CardFile], problems: [WalkProblem]) {
    var rootStat = stat()
    guard stat(root, &rootStat) == 0 else {
      throw .inputUnreadable(path: root, reason: String(cString: strerror(errno)))
    }
    guard (rootStat.st_mode & S_IFMT) == S_IFDIR else {
      throw .inputUnreadable(path: root, reason: "not a folder")
    }
    var files: [CardFile] = []
    var problems: [WalkProblem] = []
    var visited: Set<DirectoryIdentity> = [DirectoryIdentity(rootStat)]
    var rootBytes = Array(root.utf8)
    while rootBytes.count > 1 && rootBytes.last == UInt8(ascii: "/") { rootBytes.removeLast() }
    walkDirectory(
      path: rootBytes, relative: [], visited: &visited, files: &files, problems: &problems)
    files.sort { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
    problems.sort { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
    return (files, problems)
  }

  /// Whether a file name is an image the scan reads (by extension, any case).
  public static func isImageName(_ name: String) -> Bool {
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
    return imageExtensions.contains(name[name.index(after: dot)...].lowercased())
  }

  private func walkDirectory(
    path: [UInt8], relative: [UInt8], visited: inout Set<DirectoryIdentity>,
    files: inout [CardFile], problems: inout [WalkProblem]
  ) {
    let display = relative.isEmpty ? "." : String(decoding: relative, as: UTF8.self)
    guard let dir = withCString(path, { opendir($0) }) else {
      problems.append(
        WalkProblem(relativePath: display, reason: String(cString: strerror(errno))))
      return
    }
    defer { closedir(dir) }
    var entries: [[UInt8]] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> [UInt8] in
        Array(raw.prefix(while: { $0 != 0 }))
      }
      if name.isEmpty || name.first == UInt8(ascii: ".") { continue }
      entries.append(name)
    }
    entries.sort { $0.lexicographicallyPrecedes($1) }
    for name in entries {
      let nameString = String(decoding: name, as: UTF8.self)
      if Self.skippedNames.contains(nameString.lowercased()) { continue }
      let childPath = path + [UInt8(ascii: "/")] + name
      let childRelative = relative.isEmpty ? name : relative + [UInt8(ascii: "/")] + name
      var info = stat()
      let ok = withCString(childPath) { stat($0, &info) } == 0
      guard ok else {
        // A dangling link or a file that vanished: if it looks like an image it is listed, so
        // that reading it fails with the reason and the outputs name it.
        if Self.isImageName(nameString) {
          files.append(
            CardFile(
              relativePath: String(decoding: childRelative, as: UTF8.self), path: childPath,
              size: 0, modifiedNanoseconds: 0))
        }
        continue
      }
      switch info.st_mode & S_IFMT {
      case S_IFDIR:
        guard visited.insert(DirectoryIdentity(info)).inserted else { continue }
        walkDirectory(
          path: childPath, relative: childRelative, visited: &visited, files: &files,
          problems: &problems)
      case S_IFREG:
        guard Self.isImageName(nameString) else { continue }
        files.append(
          CardFile(
            relativePath: String(decoding: childRelative, as: UTF8.self), path: childPath,
            size: Int64(info.st_size), modifiedNanoseconds: modificationNanoseconds(info)))
      default:
        continue
      }
    }
  }
}

/// Runs `body` with a NUL-terminated copy of `bytes`.
func withCString<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
  var terminated = bytes.map { CChar(bitPattern: $0) }
  terminated.append(0)
  return terminated.withUnsafeBufferPointer { body($0.baseAddress!) }
}

func modificationNanoseconds(_ info: stat) -> Int64 {
  #if canImport(Darwin)
    return Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
  #else
    return Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
  #endif
}

private struct DirectoryIdentity: Hashable {
  var device: UInt64
  var inode: UInt64
  init(_ info: stat) {
    device = UInt64(info.st_dev)
    inode = UInt64(info.st_ino)
  }
}
