import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file operation that failed: which file, which step, and the `errno` it failed with.
///
/// `description` reads like `cannot write "out/detections.json": disk full (ENOSPC) while
/// writing the temporary file "out/detections.json.tmp-123-9f…"`.
public struct FileIOError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The step that failed.
  public enum Step: String, Sendable, Equatable {
    case createTemporary = "creating the temporary file"
    case write = "writing"
    case sync = "syncing (fsync)"
    case close = "closing"
    case rename = "renaming the temporary file over the target"
    case syncDirectory = "syncing the directory"
    case open = "opening"
    case read = "reading"
    case truncate = "truncating"
    case createDirectory = "creating the folder"
    case remove = "removing"
    case lock = "locking (flock)"
  }

  /// The file the caller asked for (the target, not the temporary file).
  public var path: String
  public var step: Step
  /// The `errno` value.
  public var code: Int32
  /// The temporary file involved, if any (already removed when this error is thrown).
  public var temporaryPath: String?

  public init(path: String, step: Step, code: Int32, temporaryPath: String? = nil) {
    self.path = path
    self.step = step
    self.code = code
    self.temporaryPath = temporaryPath
  }

  /// The same, from swift-system's `Errno`.
  public init(path: String, step: Step, errno: Errno, temporaryPath: String? = nil) {
    self.init(path: path, step: step, code: errno.rawValue, temporaryPath: temporaryPath)
  }

  /// The `errno` value as swift-system's `Errno`.
  public var errno: Errno { Errno(rawValue: code) }

  /// True for "no space left on device" (ENOSPC) and "disk quota exceeded" (EDQUOT).
  public var isDiskFull: Bool { code == ENOSPC || code == EDQUOT }

  /// A short reason: `"disk full (ENOSPC)"`, `"permission denied (EACCES)"`, …, or the system's
  /// message for less common codes.
  public var reason: String { Self.words(errno: code) }

  /// An `errno` value in words with its name, such as `"disk full (ENOSPC)"` or `"permission
  /// denied (EACCES)"`; the system's message and the number for less common codes.
  public static func words(errno code: Int32) -> String {
    switch code {
    case ENOSPC: return "disk full (ENOSPC)"
    case EDQUOT: return "disk quota exceeded (EDQUOT)"
    case EACCES: return "permission denied (EACCES)"
    case EPERM: return "operation not permitted (EPERM)"
    case EROFS: return "read-only file system (EROFS)"
    case ENOENT: return "no such file or directory (ENOENT)"
    case ENOTDIR: return "a path component is not a directory (ENOTDIR)"
    case EISDIR: return "is a directory (EISDIR)"
    case EEXIST: return "already exists (EEXIST)"
    case EIO: return "input/output error (EIO)"
    case EFBIG: return "file too large (EFBIG)"
    case ENAMETOOLONG: return "file name too long (ENAMETOOLONG)"
    case EMFILE, ENFILE: return "too many open files"
    case EXDEV: return "cross-device rename (EXDEV)"
    case ENOTEMPTY: return "directory not empty (ENOTEMPTY)"
    default: return String(cString: strerror(code)) + " (errno \(code))"
    }
  }

  public var description: String {
    var s =
      "cannot \(step == .read || step == .open ? "read" : "write") \"\(path)\": \(reason) while \(step.rawValue)"
    if let temporaryPath, step != .rename { s += " \"\(temporaryPath)\"" }
    return s
  }
}

/// The error type of ``AtomicFileWriter`` (the same as ``FileIOError``).
public typealias FileWriteError = FileIOError
