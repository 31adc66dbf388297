import Foundation
import LookoutSystem
import Synchronization
import SystemPackage

/// An append-only JSON Lines file (checkpoints, alerts.jsonl) that survives `kill -9`.
///
/// Each ``append(_:)`` writes one whole line, newline included, with a single `write()` to a
/// file opened with `O_APPEND`, so a killed process leaves at most one torn line at the end,
/// which ``JSONLinesReader`` ignores. Opening a file whose last line is torn cuts that partial
/// line off first, so new lines never run into it. If a write fails part-way (disk full) the
/// file is truncated back to its previous length. ``sync()`` makes everything appended so far
/// durable (`fsync`); call it at checkpoints. One writer per file at a time (not enforced).
///
/// The methods lock internally (the descriptor lives in a `Mutex`), so one writer may be shared
/// between tasks.
public final class JSONLinesWriter: Sendable {
  /// The file appended to.
  public let path: String
  /// The open file; nil once closed.
  private let fd: Mutex<FileDescriptor?>

  /// Opens (creating if needed) `path` for appending, cutting off a torn last line.
  public init(path: String) throws(FileIOError) {
    self.path = path
    let file: FileDescriptor
    do {
      file = try FileDescriptor.opening(
        path, .readWrite, options: [.create, .append], permissions: FilePermissions(rawValue: 0o644))
    } catch {
      throw FileIOError(path: path, step: .open, errno: error)
    }
    do {
      try Self.repairTornTail(file, path: path)
    } catch {
      file.closeIgnoringFailure()
      throw error
    }
    fd = Mutex(file)
  }

  deinit {
    fd.withLock { $0?.closeIgnoringFailure() }
  }

  private static func repairTornTail(_ file: FileDescriptor, path: String) throws(FileIOError) {
    let size: Int64
    do {
      size = try file.seekToEnd()
    } catch {
      throw FileIOError(path: path, step: .read, errno: error)
    }
    guard size > 0 else { return }
    // Scan back from the end for the last newline.
    var end = size
    var keep: Int64 = 0
    search: while end > 0 {
      let start = max(0, end - 4096)
      let chunk: [UInt8]
      do {
        chunk = try FileReader.read(file, at: start, count: Int(end - start))
      } catch {
        throw FileIOError(path: path, step: .read, errno: error)
      }
      if let newline = chunk.lastIndex(of: 0x0A) {
        keep = start + Int64(newline) + 1
        break search
      }
      end = start
    }
    if keep != size {
      do {
        try file.truncate(to: keep)
      } catch {
        throw FileIOError(path: path, step: .truncate, errno: error)
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
    let path = path
    return try fd.withLock { fd throws(FileIOError) -> Int64 in
      guard let file = fd else {
        throw FileIOError(path: path, step: .write, errno: .badFileDescriptor)
      }
      let before = (try? file.seekToEnd()) ?? -1
      do throws(Errno) {
        try file.writeEverything(bytes)
      } catch {
        if before >= 0 { try? file.truncate(to: before) }
        throw FileIOError(path: path, step: .write, errno: error)
      }
      return before
    }
  }

  /// Appends `value` written with ``JSONWriter/compact``.
  @discardableResult
  public func append(_ value: JSONValue) throws(FileIOError) -> Int64 {
    try append(JSONWriter.compact.string(value))
  }

  /// `fsync`s the file.
  public func sync() throws(FileIOError) {
    let path = path
    try fd.withLock { fd throws(FileIOError) in
      guard let file = fd else {
        throw FileIOError(path: path, step: .sync, errno: .badFileDescriptor)
      }
      do throws(Errno) {
        try file.synchronize()
      } catch {
        throw FileIOError(path: path, step: .sync, errno: error)
      }
    }
  }

  /// `fsync`s and closes the file. Later calls throw EBADF; closing twice does nothing.
  public func close() throws(FileIOError) {
    // Taken out under the lock, closed outside it: later calls find nil and throw EBADF.
    guard let file = fd.withLock({ fd in defer { fd = nil }; return fd }) else { return }
    var syncFailed: Errno?
    do { try file.synchronize() } catch { syncFailed = error }
    var closeFailed: Errno?
    do { try file.closeReportingFailure() } catch { closeFailed = error }
    if let syncFailed { throw FileIOError(path: path, step: .sync, errno: syncFailed) }
    if let closeFailed { throw FileIOError(path: path, step: .close, errno: closeFailed) }
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
    split(try FileReader.read(path))
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

/// Reads a file's complete lines one at a time through a fixed buffer, with the offset of each,
/// so a large JSON Lines file (a scan's checkpoint) never has to be in memory at once.
public enum JSONLinesStreamReader {
  /// Calls `body(offset, line)` for every complete, non-empty line in file order (the line
  /// without its newline or a CR before it). A trailing partial line is skipped. Returning
  /// `false` from `body` stops early.
  public static func forEachLine(
    path: String, chunkBytes: Int = 1 << 20,
    _ body: (_ offset: Int64, _ line: ArraySlice<UInt8>) -> Bool
  ) throws(FileIOError) {
    var pending: [UInt8] = []
    var pendingOffset: Int64 = 0
    try FileReader.forEachChunk(path: path, chunkBytes: chunkBytes) { chunk in
      pending.append(contentsOf: chunk)
      let scan = JSONLinesReader.forEachCompleteLine(in: pending[...]) { offset, line in
        body(pendingOffset + Int64(offset), line)
      }
      if scan.stopped { return false }
      pending.removeFirst(scan.consumed)
      pendingOffset += Int64(scan.consumed)
      return true
    }
  }

  /// The bytes `[offset, offset + count)` of the open file `fd` (a line found earlier by
  /// ``forEachLine(path:chunkBytes:_:)``).
  public static func readLine(
    fd: FileDescriptor, path: String, offset: Int64, count: Int
  ) throws(FileIOError) -> [UInt8] {
    do {
      return try FileReader.read(fd, at: offset, count: count)
    } catch {
      throw FileIOError(path: path, step: .read, errno: error)
    }
  }
}
