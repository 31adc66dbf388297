import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The C `struct stat` (inside an extension of `FileDescriptor`, `stat` names its method).
public typealias FileStatus = stat

/// The file calls Lookout makes, on swift-system's `FileDescriptor`, with typed `Errno` failures.
///
/// Paths are passed to `open(2)` byte for byte, never through `FilePath` (which would drop a
/// trailing slash or a doubled separator and so change what the call means). Every call that can
/// be interrupted by a signal is retried on `EINTR`: swift-system's own calls with their
/// `retryOnInterrupt: true`, the rest through ``SystemCall/result(_:)``.
extension FileDescriptor {
  /// Opens `path` (`open(2)`); `.closeOnExec` is always added.
  ///
  /// - Parameters:
  ///   - path: the path as given.
  ///   - mode: read, write or both.
  ///   - options: `O_CREAT`, `O_EXCL`, `O_APPEND`, ... (`O_CLOEXEC` is added).
  ///   - permissions: the mode of a file created (required with `.create`).
  public static func opening(
    _ path: String, _ mode: AccessMode, options: OpenOptions = [],
    permissions: FilePermissions? = nil
  ) throws(Errno) -> FileDescriptor {
    try errnoOnly {
      try path.withCString {
        try FileDescriptor.open(
          $0, mode, options: options.union(.closeOnExec), permissions: permissions)
      }
    }
  }

  /// Opens a path given as raw bytes (a file name that need not be UTF-8); see
  /// ``opening(_:_:options:permissions:)``.
  public static func opening(
    bytes path: [UInt8], _ mode: AccessMode, options: OpenOptions = [],
    permissions: FilePermissions? = nil
  ) throws(Errno) -> FileDescriptor {
    var terminated = path.map { CChar(bitPattern: $0) }
    terminated.append(0)
    return try errnoOnly {
      try terminated.withUnsafeBufferPointer {
        try FileDescriptor.open(
          $0.baseAddress!, mode, options: options.union(.closeOnExec), permissions: permissions)
      }
    }
  }

  /// Reads into `bytes[start...]` at the current position (`read(2)`); returns how many bytes
  /// were read, 0 at the end of the file.
  public func readSome(into bytes: inout [UInt8], from start: Int = 0) throws(Errno) -> Int {
    try bytes.withUnsafeMutableBytes { buffer in
      Result { try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[start...])) }
    }.mapError(Self.asErrno).get()
  }

  /// Reads into `bytes[start...]` from `offset` in the file without moving its position
  /// (`pread(2)`); returns how many bytes were read, 0 at the end of the file.
  public func readSome(at offset: Int64, into bytes: inout [UInt8], from start: Int = 0)
    throws(Errno) -> Int
  {
    try bytes.withUnsafeMutableBytes { buffer in
      Result {
        try read(
          fromAbsoluteOffset: offset, into: UnsafeMutableRawBufferPointer(rebasing: buffer[start...]))
      }
    }.mapError(Self.asErrno).get()
  }

  /// Writes all of `bytes` at the current position, going on after short writes (`write(2)`).
  /// A write that makes no progress fails with `EIO`.
  public func writeEverything(_ bytes: some Collection<UInt8>) throws(Errno) {
    let result: Result<Void, Errno>? = bytes.withContiguousStorageIfAvailable { buffer in
      var offset = 0
      while offset < buffer.count {
        let written: Int
        do {
          written = try write(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[offset...])))
        } catch {
          return .failure(Self.asErrno(error))
        }
        if written == 0 { return .failure(.ioError) }
        offset += written
      }
      return .success(())
    }
    if let result { return try result.get() }
    try writeEverything(Array(bytes))
  }

  /// Flushes the file's data and metadata to the storage (`fsync(2)`).
  public func synchronize() throws(Errno) {
    _ = try SystemCall.result { fsync(rawValue) }.get()
  }

  /// Makes the renames in the directory at `path` durable: opens it and `fsync`s it.
  public static func synchronizeDirectory(atPath path: String) throws(Errno) {
    let directory = try opening(path, .readOnly, options: .directory)
    defer { directory.closeIgnoringFailure() }
    try directory.synchronize()
  }

  /// The file's status (`fstat(2)`).
  public func status() throws(Errno) -> FileStatus {
    var info = FileStatus()
    _ = try SystemCall.result { fstat(rawValue, &info) }.get()
    return info
  }

  /// Moves the position to the end and returns the file's size (`lseek(2)` with `SEEK_END`).
  public func seekToEnd() throws(Errno) -> Int64 {
    try Self.errnoOnly { try seek(offset: 0, from: .end) }
  }

  /// Cuts the file to `size` bytes (`ftruncate(2)`).
  public func truncate(to size: Int64) throws(Errno) {
    try Self.errnoOnly { try resize(to: size) }
  }

  /// Closes the descriptor (`close(2)`, never retried: the descriptor is gone either way).
  public func closeReportingFailure() throws(Errno) {
    try Self.errnoOnly { try close() }
  }

  /// Closes the descriptor, ignoring a failure (for error paths, where the first failure is the
  /// one reported).
  public func closeIgnoringFailure() {
    try? close()
  }

  /// Runs a swift-system call, whose failures are always `Errno`, with the error typed.
  static func errnoOnly<Value>(_ call: () throws -> Value) throws(Errno) -> Value {
    do {
      return try call()
    } catch {
      throw asErrno(error)
    }
  }

  /// A swift-system failure, which is always an `Errno`, as one.
  static func asErrno(_ error: any Error) -> Errno {
    guard let errno = error as? Errno else {
      preconditionFailure("swift-system threw something other than Errno: \(error)")
    }
    return errno
  }
}
