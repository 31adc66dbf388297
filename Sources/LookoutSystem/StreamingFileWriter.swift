import SystemPackage

/// Writes a file front to back through a buffer, for outputs too large to build in memory first
/// (a detections.json of 100,000 images). ``finish()`` flushes, `fsync`s and closes; the caller
/// renames the finished file into place, so readers never see it half-written.
///
/// The file is created or truncated on `init`. Errors name the path, the step and the `errno`
/// (ENOSPC reads "disk full"); after an error the writer is closed and the file must be thrown
/// away.
public final class StreamingFileWriter {
  /// The file being written.
  public let path: String
  private var fd: FileDescriptor?
  private var buffer: [UInt8] = []
  private let capacity: Int

  /// Opens `path` for writing (mode 0644 less the umask), truncating what is there.
  public init(path: String, bufferBytes: Int = 1 << 20) throws(FileIOError) {
    self.path = path
    capacity = max(1, bufferBytes)
    do {
      fd = try FileDescriptor.opening(
        path, .writeOnly, options: [.create, .truncate], permissions: FilePermissions(rawValue: 0o644))
    } catch {
      throw FileIOError(path: path, step: .createTemporary, errno: error)
    }
    buffer.reserveCapacity(capacity)
  }

  deinit {
    fd?.closeIgnoringFailure()
  }

  /// Appends bytes, writing the buffer out when it is full.
  public func write(_ bytes: some Sequence<UInt8>) throws(FileIOError) {
    guard fd != nil else { throw FileIOError(path: path, step: .write, errno: .badFileDescriptor) }
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
    guard let file = fd else { throw FileIOError(path: path, step: .sync, errno: .badFileDescriptor) }
    do {
      try file.synchronize()
    } catch {
      throw abandon(.sync, error)
    }
    fd = nil
    do {
      try file.closeReportingFailure()
    } catch {
      throw FileIOError(path: path, step: .close, errno: error)
    }
  }

  private func flush() throws(FileIOError) {
    guard !buffer.isEmpty else { return }
    guard let file = fd else { throw FileIOError(path: path, step: .write, errno: .badFileDescriptor) }
    do {
      try file.writeEverything(buffer)
    } catch {
      throw abandon(.write, error)
    }
    buffer.removeAll(keepingCapacity: true)
  }

  private func abandon(_ step: FileIOError.Step, _ error: Errno) -> FileIOError {
    fd?.closeIgnoringFailure()
    fd = nil
    buffer = []
    return FileIOError(path: path, step: step, errno: error)
  }
}
