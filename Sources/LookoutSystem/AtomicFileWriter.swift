import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

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
  /// Replaces the file at `path` with `bytes`.
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
    /// The step's simulated failure, if any, else the step itself run.
    func run(_ step: FileIOError.Step, _ call: () throws(Errno) -> Void) throws(Errno) {
      if let fault, fault.step == step { throw Errno(rawValue: fault.code) }
      try call()
    }
    let temp = "\(path).tmp-\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
    var file: FileDescriptor?
    do {
      try run(.createTemporary) { () throws(Errno) in
        file = try FileDescriptor.opening(
          temp, .writeOnly, options: [.create, .exclusiveCreate],
          permissions: FilePermissions(rawValue: 0o644))
      }
    } catch {
      throw FileIOError(path: path, step: .createTemporary, errno: error, temporaryPath: temp)
    }
    guard let fd = file else { return }
    var step = FileIOError.Step.createTemporary
    var open = true
    do {
      if let ownership {
        // Owner first: changing it may clear set-id bits, which the mode then restores.
        _ = fchown(fd.rawValue, ownership.owner, ownership.group)
        _ = try SystemCall.result { fchmod(fd.rawValue, ownership.mode) }.get()
      }
      step = .write
      try run(.write) { () throws(Errno) in try fd.writeEverything(bytes) }
      step = .sync
      try run(.sync) { () throws(Errno) in try fd.synchronize() }
      step = .close
      try run(.close) { () throws(Errno) in
        open = false
        try fd.closeReportingFailure()
      }
      step = .rename
      try run(.rename) { () throws(Errno) in
        _ = try SystemCall.result { rename(temp, path) }.get()
      }
    } catch {
      if open { fd.closeIgnoringFailure() }
      _ = unlink(temp)
      throw FileIOError(path: path, step: step, errno: error, temporaryPath: temp)
    }
    // The new file is in place; make the rename durable.
    let folder: FileDescriptor
    do {
      folder = try FileDescriptor.opening(directory(of: path), .readOnly, options: .directory)
    } catch {
      throw FileIOError(path: path, step: .syncDirectory, errno: error)
    }
    defer { folder.closeIgnoringFailure() }
    do {
      try run(.syncDirectory) { () throws(Errno) in try folder.synchronize() }
    } catch where error == .invalidArgument || error == .notSupported {
      // Some file systems cannot sync a directory; the rename stands.
    } catch {
      throw FileIOError(path: path, step: .syncDirectory, errno: error)
    }
  }
}
