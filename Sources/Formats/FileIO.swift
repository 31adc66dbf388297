import Foundation

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

/// Replaces files atomically: readers see the old file or the new one, never a mix, even after a
/// crash or power loss.
///
/// ``write(_:to:)`` writes the bytes to `<path>.tmp-<pid>-<random>` in the same directory
/// (created with `O_EXCL`, mode 0644 less the umask), `fsync`s it, `rename`s it over `path`, and
/// `fsync`s the directory so the rename itself is durable. On any failure the temporary file is
/// removed, the old file at `path` is left as it was, and a ``FileIOError`` names the path, the
/// step and the `errno` (ENOSPC reads "disk full"). The one exception is a failure to sync the
/// directory (step `.syncDirectory`): it happens after the rename, so the new file is already in
/// place but its durability across a power loss is not assured. A directory `fsync` refused with
/// EINVAL or ENOTSUP (some file systems do not support it) is not an error. If `path` is a
/// symbolic link, the link itself is replaced.
public enum AtomicFileWriter {
  public static func write(_ bytes: [UInt8], to path: String) throws(FileIOError) {
    try write(bytes, to: path, fault: nil)
  }

  /// Writes the string's UTF-8 bytes.
  public static func write(_ text: String, to path: String) throws(FileIOError) {
    try write(Array(text.utf8), to: path, fault: nil)
  }

  /// A simulated failure, for tests: the given step fails with the given `errno`.
  struct Fault {
    var step: FileIOError.Step
    var code: Int32
  }

  /// The directory part of `path` ("." when there is none).
  static func directory(of path: String) -> String {
    guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "." }
    if slash == path.utf8.startIndex { return "/" }
    return String(path[..<slash])
  }

  static func write(
    _ bytes: [UInt8], to path: String, fault: Fault?, keeping ownership: Ownership? = nil
  ) throws(FileIOError) {
    guard !path.isEmpty, !path.hasSuffix("/") else {
      throw FileIOError(path: path, step: .createTemporary, code: EINVAL)
    }
    func injected(_ step: FileIOError.Step) -> Int32? {
      guard let fault, fault.step == step else { return nil }
      return fault.code
    }
    let temp = "\(path).tmp-\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
    let fd: Int32
    if let code = injected(.createTemporary) {
      throw FileIOError(path: path, step: .createTemporary, code: code, temporaryPath: temp)
    }
    fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    if fd < 0 {
      throw FileIOError(path: path, step: .createTemporary, code: errno, temporaryPath: temp)
    }
    func fail(_ step: FileIOError.Step, _ code: Int32, closing: Bool) -> FileIOError {
      if closing { _ = close(fd) }
      _ = unlink(temp)
      return FileIOError(path: path, step: step, code: code, temporaryPath: temp)
    }
    if let ownership {
      // Owner first: changing it may clear set-id bits, which the mode then restores.
      _ = fchown(fd, ownership.owner, ownership.group)
      if fchmod(fd, ownership.mode) != 0 { throw fail(.createTemporary, errno, closing: true) }
    }
    if let code = injected(.write) { throw fail(.write, code, closing: true) }
    if let code = POSIXFile.writeAll(fd, bytes) { throw fail(.write, code, closing: true) }
    if let code = injected(.sync) { throw fail(.sync, code, closing: true) }
    if fsync(fd) != 0 { throw fail(.sync, errno, closing: true) }
    if let code = injected(.close) { throw fail(.close, code, closing: true) }
    if close(fd) != 0 { throw fail(.close, errno, closing: false) }
    if let code = injected(.rename) { throw fail(.rename, code, closing: false) }
    if rename(temp, path) != 0 { throw fail(.rename, errno, closing: false) }
    // The new file is in place; make the rename durable.
    let dir = directory(of: path)
    let dfd = open(dir, O_RDONLY | O_CLOEXEC | O_DIRECTORY)
    if dfd < 0 { throw FileIOError(path: path, step: .syncDirectory, code: errno) }
    defer { _ = close(dfd) }
    let code = injected(.syncDirectory) ?? (fsync(dfd) == 0 ? 0 : errno)
    if code != 0 && code != EINVAL && code != ENOTSUP {
      throw FileIOError(path: path, step: .syncDirectory, code: code)
    }
  }
}

/// Small POSIX helpers shared by the writers.
enum POSIXFile {
  /// Writes all of `bytes`, retrying on EINTR and short writes. Returns the errno on failure.
  static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
    bytes.withUnsafeBytes { buffer -> Int32? in
      var offset = 0
      while offset < buffer.count {
        let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          return errno
        }
        if n == 0 { return EIO }
        offset += n
      }
      return nil
    }
  }

  /// `close(2)`, callable where a `close` method would shadow it.
  static func closeDescriptor(_ fd: Int32) -> Int32 { close(fd) }

  /// The whole file. Throws ``FileIOError`` with step `.open` or `.read`.
  static func readAll(_ path: String) throws(FileIOError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { throw FileIOError(path: path, step: .open, code: errno) }
    defer { _ = close(fd) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw FileIOError(path: path, step: .read, code: errno)
      }
      if n == 0 { return out }
      out.append(contentsOf: chunk[0..<n])
    }
  }
}

/// Reads whole files (e.g. a detections.json to pass to ``MegaDetectorOutput/decode(_:)``).
public enum FileReader {
  public static func read(_ path: String) throws(FileIOError) -> [UInt8] {
    try POSIXFile.readAll(path)
  }
}

/// An append-only JSON Lines file (checkpoints, alerts.jsonl) that survives `kill -9`.
///
/// Each ``append(_:)`` writes one whole line, newline included, with a single `write()` to a
/// file opened with `O_APPEND`, so a killed process leaves at most one torn line at the end,
/// which ``JSONLinesReader`` ignores. Opening a file whose last line is torn cuts that partial
/// line off first, so new lines never run into it. If a write fails part-way (disk full) the
/// file is truncated back to its previous length. ``sync()`` makes everything appended so far
/// durable (`fsync`); call it at checkpoints. One writer per file at a time (not enforced).
///
/// The methods lock internally, so one writer may be shared between tasks.
public final class JSONLinesWriter: @unchecked Sendable {
  public let path: String
  private var fd: Int32
  private let lock = NSLock()

  /// Opens (creating if needed) `path` for appending, cutting off a torn last line.
  public init(path: String) throws(FileIOError) {
    self.path = path
    fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
    if fd < 0 { throw FileIOError(path: path, step: .open, code: errno) }
    do {
      try repairTornTail()
    } catch {
      _ = POSIXFile.closeDescriptor(fd)
      fd = -1
      throw error
    }
  }

  deinit {
    if fd >= 0 { _ = POSIXFile.closeDescriptor(fd) }
  }

  private func repairTornTail() throws(FileIOError) {
    let size = lseek(fd, 0, SEEK_END)
    if size < 0 { throw FileIOError(path: path, step: .read, code: errno) }
    guard size > 0 else { return }
    // Scan back from the end for the last newline.
    var end = Int64(size)
    var keep: Int64 = 0
    var chunk = [UInt8](repeating: 0, count: 4096)
    search: while end > 0 {
      let start = max(0, end - Int64(chunk.count))
      let count = Int(end - start)
      let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, count, off_t(start)) }
      if n < 0 {
        if errno == EINTR { continue }
        throw FileIOError(path: path, step: .read, code: errno)
      }
      if n != count { throw FileIOError(path: path, step: .read, code: EIO) }
      for i in stride(from: count - 1, through: 0, by: -1) where chunk[i] == 0x0A {
        keep = start + Int64(i) + 1
        break search
      }
      end = start
    }
    if keep != Int64(size) {
      if ftruncate(fd, off_t(keep)) != 0 {
        throw FileIOError(path: path, step: .truncate, code: errno)
      }
    }
  }

  /// Appends `line` and a newline in one `write()` and returns the file offset the line starts
  /// at. `line` must not contain a newline (JSON from ``JSONWriter/compact`` never does).
  @discardableResult
  public func append(_ line: String) throws(FileIOError) -> Int64 {
    precondition(!line.utf8.contains(0x0A), "a JSON Lines line cannot contain a newline")
    var bytes = Array(line.utf8)
    bytes.append(0x0A)
    lock.lock()
    defer { lock.unlock() }
    guard fd >= 0 else { throw FileIOError(path: path, step: .write, code: EBADF) }
    let before = lseek(fd, 0, SEEK_END)
    if let code = POSIXFile.writeAll(fd, bytes) {
      if before >= 0 { _ = ftruncate(fd, before) }
      throw FileIOError(path: path, step: .write, code: code)
    }
    return Int64(before)
  }

  /// Appends `value` written with ``JSONWriter/compact``.
  @discardableResult
  public func append(_ value: JSONValue) throws(FileIOError) -> Int64 {
    try append(JSONWriter.compact.string(value))
  }

  /// `fsync`s the file.
  public func sync() throws(FileIOError) {
    lock.lock()
    defer { lock.unlock() }
    guard fd >= 0 else { throw FileIOError(path: path, step: .sync, code: EBADF) }
    if fsync(fd) != 0 { throw FileIOError(path: path, step: .sync, code: errno) }
  }

  /// `fsync`s and closes the file. Later calls throw EBADF; closing twice does nothing.
  public func close() throws(FileIOError) {
    lock.lock()
    defer { lock.unlock() }
    guard fd >= 0 else { return }
    let syncFailed = fsync(fd) != 0 ? errno : 0
    let closeFailed = POSIXFile.closeDescriptor(fd) != 0 ? errno : 0
    fd = -1
    if syncFailed != 0 { throw FileIOError(path: path, step: .sync, code: syncFailed) }
    if closeFailed != 0 { throw FileIOError(path: path, step: .close, code: closeFailed) }
  }
}

/// Reads JSON Lines files written by ``JSONLinesWriter``.
public enum JSONLinesReader {
  /// The complete lines of a file and what was dropped.
  public struct Contents: Sendable, Equatable {
    /// Every newline-terminated, non-empty line, without its newline (a CR before the newline is
    /// removed too).
    public var lines: [String]
    /// Bytes after the last newline: a line torn by a crash mid-write, ignored. 0 normally.
    public var tornTailBytes: Int
  }

  /// Splits bytes into complete lines, ignoring a trailing partial line.
  public static func split(_ bytes: [UInt8]) -> Contents {
    var lines: [String] = []
    let scan = forEachCompleteLine(in: bytes[...]) { _, line in
      lines.append(String(decoding: line, as: UTF8.self))
      return true
    }
    return Contents(lines: lines, tornTailBytes: bytes.count - scan.consumed)
  }

  /// The one rule for what a line is, shared by every reader of JSON Lines: calls
  /// `body(offset, line)` for each newline-terminated, non-empty line of `bytes`, without its
  /// newline or a CR before it, `offset` counted from `bytes.startIndex`. Returns how many bytes
  /// the lines seen take, newlines included (what follows is a torn tail, or a line that goes
  /// on in the next chunk of a file), and whether `body` stopped the walk by returning `false`.
  @discardableResult
  public static func forEachCompleteLine(
    in bytes: ArraySlice<UInt8>, _ body: (_ offset: Int, _ line: ArraySlice<UInt8>) -> Bool
  ) -> (consumed: Int, stopped: Bool) {
    var start = bytes.startIndex
    while let newline = bytes[start...].firstIndex(of: 0x0A) {
      var end = newline
      if end > start && bytes[end - 1] == 0x0D { end -= 1 }
      let line = bytes[start..<end]
      start = newline + 1
      if !line.isEmpty, !body(line.startIndex - bytes.startIndex, line) {
        return (start - bytes.startIndex, true)
      }
    }
    return (start - bytes.startIndex, false)
  }

  /// Reads the complete lines of the file at `path`.
  public static func read(path: String) throws(FileIOError) -> Contents {
    split(try POSIXFile.readAll(path))
  }

  /// Parses each complete line as JSON. A complete line that is not valid JSON is real
  /// corruption (whole lines are written at once) and throws, with `offset` counted from the
  /// start of that line and `message` naming the line number (1-based).
  public static func values(_ contents: Contents) throws(JSONParseError) -> [JSONValue] {
    var out: [JSONValue] = []
    out.reserveCapacity(contents.lines.count)
    for (i, line) in contents.lines.enumerated() {
      do {
        out.append(try JSONParser.parse(line))
      } catch {
        throw JSONParseError(offset: error.offset, message: "line \(i + 1): \(error.message)")
      }
    }
    return out
  }
}
