import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes a file front to back through a buffer, for outputs too large to build in memory first
/// (a detections.json of 100,000 images). ``finish()`` flushes, `fsync`s and closes; the caller
/// renames the finished file into place, so readers never see it half-written.
///
/// The file is created or truncated on `init`. Errors name the path, the step and the `errno`
/// (ENOSPC reads "disk full"); after an error the writer is closed and the file must be thrown
/// away.
public final class StreamingFileWriter {
  public let path: String
  private var fd: Int32
  private var buffer: [UInt8] = []
  private let capacity: Int

  /// Opens `path` for writing (mode 0644 less the umask), truncating what is there.
  public init(path: String, bufferBytes: Int = 1 << 20) throws(FileIOError) {
    self.path = path
    capacity = max(1, bufferBytes)
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    if fd < 0 { throw FileIOError(path: path, step: .createTemporary, code: errno) }
    buffer.reserveCapacity(capacity)
  }

  deinit {
    if fd >= 0 { _ = POSIXFile.closeDescriptor(fd) }
  }

  /// Appends bytes, writing the buffer out when it is full.
  public func write(_ bytes: some Sequence<UInt8>) throws(FileIOError) {
    guard fd >= 0 else { throw FileIOError(path: path, step: .write, code: EBADF) }
    buffer.append(contentsOf: bytes)
    if buffer.count >= capacity { try flush() }
  }

  /// Appends the string's UTF-8 bytes.
  public func write(_ text: String) throws(FileIOError) {
    try write(text.utf8)
  }

  /// Writes out the buffer, flushes it to the disk, and closes the file.
  public func finish() throws(FileIOError) {
    try flush()
    if fsync(fd) != 0 { throw abandon(.sync, errno) }
    let closed = POSIXFile.closeDescriptor(fd)
    fd = -1
    if closed != 0 { throw FileIOError(path: path, step: .close, code: errno) }
  }

  private func flush() throws(FileIOError) {
    guard !buffer.isEmpty else { return }
    if let code = POSIXFile.writeAll(fd, buffer) { throw abandon(.write, code) }
    buffer.removeAll(keepingCapacity: true)
  }

  private func abandon(_ step: FileIOError.Step, _ code: Int32) -> FileIOError {
    _ = POSIXFile.closeDescriptor(fd)
    fd = -1
    buffer = []
    return FileIOError(path: path, step: step, code: code)
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
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { throw FileIOError(path: path, step: .open, code: errno) }
    defer { _ = close(fd) }
    var pending: [UInt8] = []
    var pendingOffset: Int64 = 0
    var chunk = [UInt8](repeating: 0, count: max(1, chunkBytes))
    while true {
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw FileIOError(path: path, step: .read, code: errno)
      }
      if n == 0 { return }
      pending.append(contentsOf: chunk[0..<n])
      let scan = JSONLinesReader.forEachCompleteLine(in: pending[...]) { offset, line in
        body(pendingOffset + Int64(offset), line)
      }
      if scan.stopped { return }
      pending.removeFirst(scan.consumed)
      pendingOffset += Int64(scan.consumed)
    }
  }

  /// The bytes `[offset, offset + count)` of the open file `fd` (a line found earlier by
  /// ``forEachLine(path:chunkBytes:_:)``).
  public static func readLine(
    fd: Int32, path: String, offset: Int64, count: Int
  ) throws(FileIOError) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: count)
    var done = 0
    while done < count {
      let n = out.withUnsafeMutableBytes {
        pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done))
      }
      if n < 0 {
        if errno == EINTR { continue }
        throw FileIOError(path: path, step: .read, code: errno)
      }
      if n == 0 { throw FileIOError(path: path, step: .read, code: EIO) }
      done += n
    }
    return out
  }
}
