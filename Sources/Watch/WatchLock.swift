import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An exclusive lock on an output folder (`<out>/watch.lock`, `flock`), so two overlapping
/// runs (cron firing while the last run is still busy, or a service and a manual run) never
/// work on the same state. The kernel releases it when the process ends, `kill -9` included, so
/// it is never stale. The file holds the holder's pid and start time, for the message the
/// second run prints.
public final class WatchLock: Sendable {
  public static let fileName = "watch.lock"
  public let path: String
  private let fd: Int32

  /// Takes the lock without waiting; throws ``WatchError/locked(path:holder:)`` when another
  /// process has it.
  public init(directory: String) throws(WatchError) {
    path = directory + "/" + Self.fileName
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw .outputUnwritable(path: path, reason: String(cString: strerror(errno)))
    }
    if flock(fd, LOCK_EX | LOCK_NB) != 0 {
      let code = errno
      var holder: String?
      if let text = try? String(contentsOfFile: path, encoding: .utf8) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        holder = trimmed.isEmpty ? nil : trimmed
      }
      close(fd)
      if code == EWOULDBLOCK { throw .locked(path: path, holder: holder) }
      throw .outputUnwritable(path: path, reason: String(cString: strerror(code)))
    }
    self.fd = fd
    let note = "pid \(getpid()) since \(ISO8601DateFormatter().string(from: Date()))\n"
    _ = ftruncate(fd, 0)
    _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
  }

  deinit {
    flock(fd, LOCK_UN)
    close(fd)
  }
}
