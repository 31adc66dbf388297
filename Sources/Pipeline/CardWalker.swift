import Foundation
import LookoutSystem

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One image file found on a card.
///
/// `relativePath` uses `/` separators and is the key every output is sorted and identified by.
/// `path` is the absolute path as raw bytes, so names that are not valid UTF-8 can still be opened.
/// A name that is not valid UTF-8 is shown with each invalid byte (and each `%`) written as
/// `%XX`, so two such names never share a `relativePath` (see `CardWalker.displayName(_:)`).
public struct CardFile: Sendable, Hashable {
  /// Path relative to the scanned folder, for display and outputs (`%XX`-escaped for names
  /// that are not valid UTF-8).
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

/// Everything a walk found on a card: the images, the paths it could not look into, and the
/// other files it does not scan (each sorted by relative path, as UTF-8 bytes).
public struct CardListing: Sendable, Equatable {
  public var files: CardFileList
  public var problems: [WalkProblem]
  public var skipped: [SkippedFile]
}

/// Finds the images on a card: recursive, in a deterministic order, never looping.
///
/// Rules (documented in the README):
/// - files ending in `.jpg`, `.jpeg` or `.png` in any letter case are images;
/// - hidden files and folders (names starting with `.`, which covers macOS `._` files),
///   `Thumbs.db` and `desktop.ini` are ignored;
/// - other regular files (RAW photos, `.THM` thumbnails, videos, audio, text...) are listed as
///   skipped, with their kind (``SkippedFile``), by ``list(root:)``;
/// - symbolic links are followed, but a folder already visited (same device and inode) is never
///   entered twice, so link loops end;
/// - an image name that is not a regular file (a dangling link, a FIFO, a device) is still
///   listed, so that reading it fails with the reason and the outputs name it;
/// - names that are not valid UTF-8 get a deterministic escaped display form; if that form
///   equals another file's name, the second file is a walk problem (never a silent overwrite);
/// - the result is sorted by relative path, compared as UTF-8 bytes.
public struct CardWalker: Sendable {
  public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]
  private static let skippedNames: Set<String> = ["thumbs.db", "desktop.ini"]
  /// Whether video clips (``SkippedFile/Kind/video``) are listed as files to scan rather than
  /// as skipped: `lookout scan` scans them, `lookout watch` does not yet.
  public var scansVideos: Bool

  public init(scansVideos: Bool = false) {
    self.scansVideos = scansVideos
  }

  /// Whether `name` is a file this walk lists for scanning: an image, or a clip when
  /// ``scansVideos`` is set.
  func isScannedName(_ name: String) -> Bool {
    Self.isImageName(name) || (scansVideos && SkippedFile.Kind(fileName: name) == .video)
  }

  /// Walks `root`. Folders that cannot be entered, entries that cannot be examined (a path over
  /// PATH_MAX, a link loop) and display-name clashes are returned as problems, not thrown; image
  /// names that cannot be stat'ed (dangling links) are listed as files so that scanning them
  /// fails with the reason. Only a root that cannot be read at all throws.
  public func walk(root: String) throws(ScanError) -> (
    files: CardFileList, problems: [WalkProblem]
  ) {
    let listing = try list(root: root)
    return (listing.files, listing.problems)
  }

  /// Walks `root` as ``walk(root:)`` does, and also lists the regular files that are neither
  /// images nor hidden or system files, with their kind.
  public func list(root: String) throws(ScanError) -> CardListing {
    let rootStat: FileStatus
    do {
      rootStat = try PathCall.status(root)
    } catch {
      throw .inputUnreadable(path: root, reason: SystemErrorText.systemMessage(error.rawValue))
    }
    guard (rootStat.st_mode & S_IFMT) == S_IFDIR else {
      throw .inputUnreadable(path: root, reason: "not a folder")
    }
    var problems: [WalkProblem] = []
    var skipped: [SkippedFile] = []
    var visited: Set<DirectoryIdentity> = [DirectoryIdentity(rootStat)]
    var rootBytes = Array(root.utf8)
    while rootBytes.count > 1 && rootBytes.last == UInt8(ascii: "/") { rootBytes.removeLast() }
    var files = CardFileList(root: rootBytes)
    walkDirectory(
      path: rootBytes, relative: "", visited: &visited, files: &files, problems: &problems,
      skipped: &skipped)
    files.sortRemovingClashes(problems: &problems)
    problems.sort { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
    skipped.sort { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
    return CardListing(files: files, problems: problems, skipped: skipped)
  }

  /// Whether a file name is an image the scan reads (by extension, any case).
  public static func isImageName(_ name: String) -> Bool {
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
    return imageExtensions.contains(name[name.index(after: dot)...].lowercased())
  }

  /// A file name for display and outputs: the name itself when it is valid UTF-8; otherwise
  /// its valid characters, with every byte that is not part of one and every `%` written as
  /// `%XX` (upper-case hex). Distinct invalid names therefore never display alike.
  public static func displayName(_ bytes: [UInt8]) -> String {
    if let text = String(validating: bytes, as: UTF8.self) { return text }
    var out = ""
    var index = 0
    func escape(_ byte: UInt8) {
      let hex = String(byte, radix: 16, uppercase: true)
      out += "%" + (hex.count == 1 ? "0" + hex : hex)
    }
    outer: while index < bytes.count {
      // UTF-8 is prefix-free: the first length that validates is the character.
      for length in 1...4 where index + length <= bytes.count {
        if let character = String(validating: bytes[index..<(index + length)], as: UTF8.self) {
          if character == "%" { escape(UInt8(ascii: "%")) } else { out += character }
          index += length
          continue outer
        }
      }
      escape(bytes[index])
      index += 1
    }
    return out
  }

  private func walkDirectory(
    path: [UInt8], relative: String, visited: inout Set<DirectoryIdentity>,
    files: inout CardFileList, problems: inout [WalkProblem], skipped: inout [SkippedFile]
  ) {
    let display = relative.isEmpty ? "." : relative
    var entries: [[UInt8]]
    do {
      entries = try PathCall.entries(ofDirectory: path).filter {
        !$0.isEmpty && $0.first != UInt8(ascii: ".")
      }
    } catch {
      problems.append(
        WalkProblem(
          relativePath: display, reason: SystemErrorText.systemMessage(error.rawValue)))
      return
    }
    entries.sort { $0.lexicographicallyPrecedes($1) }
    for name in entries {
      let nameString = Self.displayName(name)
      if Self.skippedNames.contains(nameString.lowercased()) { continue }
      let childPath = path + [UInt8(ascii: "/")] + name
      let childRelative = relative.isEmpty ? nameString : relative + "/" + nameString
      let info: FileStatus
      do {
        info = try PathCall.status(bytes: childPath)
      } catch {
        // A dangling link, a link loop, a path too long or a file that vanished: if it looks
        // like an image it is listed, so that reading it fails with the reason and the outputs
        // name it. Anything else that exists but cannot be examined (it may be a folder of
        // images) is a walk problem; a dangling link to a non-image is of no interest.
        let code = error.rawValue
        if isScannedName(nameString) {
          files.append(
            rawRelative: childPath[(files.rootLength + 1)...], display: childRelative, size: 0,
            modifiedNanoseconds: 0)
        } else if code != ENOENT {
          problems.append(
            WalkProblem(
              relativePath: childRelative, reason: SystemErrorText.systemMessage(code)))
        }
        continue
      }
      switch info.st_mode & S_IFMT {
      case S_IFDIR:
        guard visited.insert(DirectoryIdentity(info)).inserted else { continue }
        walkDirectory(
          path: childPath, relative: childRelative, visited: &visited, files: &files,
          problems: &problems, skipped: &skipped)
      default:
        // Regular files, and FIFOs, sockets and devices with an image name: those fail when
        // read ("not a regular file") rather than vanish from the outputs unexplained. Other
        // regular files are accounted for as skipped.
        guard isScannedName(nameString) else {
          if info.st_mode & S_IFMT == S_IFREG {
            let kind = SkippedFile.Kind(fileName: nameString)
            skipped.append(SkippedFile(relativePath: childRelative, kind: kind))
          }
          continue
        }
        files.append(
          rawRelative: childPath[(files.rootLength + 1)...], display: childRelative,
          size: Int64(info.st_size), modifiedNanoseconds: info.modificationNanoseconds)
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

private struct DirectoryIdentity: Hashable {
  var device: UInt64
  var inode: UInt64
  init(_ info: stat) {
    device = UInt64(info.st_dev)
    inode = UInt64(info.st_ino)
  }
}
