import Pipeline
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A fake of the system calls a scan reads images with: the real open(2) and read(2), plus what
/// a test does to a file at two moments (just before it is opened, right after its last byte
/// was read) and, optionally, a stand-in for read(2), all given the file's full path.
/// Deterministic: no timing is involved.
final class FakeReadCalls: ImageReadCalls {
  enum Moment: Sendable { case beforeOpen, afterRead }

  private let action: @Sendable (String, Moment) -> Void
  private let readCall: (@Sendable (String, Int32, UnsafeMutableRawPointer, Int) -> Int)?
  private let real = SystemReadCalls()
  /// Each open descriptor's path, its size when opened, and how many bytes were read from it.
  private let files = Mutex<[Int32: (path: String, size: Int, read: Int)]>([:])

  /// - Parameters:
  ///   - action: what happens to the file at `path` at each moment.
  ///   - readCall: stands in for read(2) (same arguments after the path, same result, `errno`
  ///     set when it returns -1).
  init(
    action: @escaping @Sendable (String, Moment) -> Void = { _, _ in },
    readCall: (@Sendable (String, Int32, UnsafeMutableRawPointer, Int) -> Int)? = nil
  ) {
    self.action = action
    self.readCall = readCall
  }

  func open(_ path: [UInt8], flags: Int32) -> Int32 {
    let name = String(decoding: path, as: UTF8.self)
    action(name, .beforeOpen)
    let fd = real.open(path, flags: flags)
    guard fd >= 0 else { return fd }
    let saved = errno
    var info = stat()
    let size = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
    files.withLock { $0[fd] = (name, size, 0) }
    errno = saved
    return fd
  }

  func read(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int) -> Int {
    let file = files.withLock { $0[fd] }
    let path = file?.path ?? ""
    let n = readCall?(path, fd, buffer, count) ?? real.read(fd, into: buffer, count: count)
    let saved = errno
    if n > 0, let file {
      let total = file.read + n
      files.withLock { $0[fd]?.read = total }
      if total >= file.size { action(path, .afterRead) }
    }
    errno = saved
    return n
  }
}
