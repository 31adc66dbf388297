import Foundation
import LookoutSystem
import SystemPackage

/// An exclusive lock on an output folder (`<out>/watch.lock`, `flock`), so two overlapping
/// runs (cron firing while the last run is still busy, or a service and a manual run) never
/// work on the same state. The kernel releases it when the process ends, `kill -9` included, so
/// it is never stale. The file holds the holder's pid and start time, for the message the
/// second run prints.
public final class WatchLock: Sendable {
  public static let fileName = "watch.lock"
  public let path: String
  private let file: FileDescriptor

  /// Takes the lock without waiting; throws ``WatchError/locked(path:holder:)`` when another
  /// process has it.
  public init(directory: String) throws(WatchError) {
    path = directory + "/" + Self.fileName
    let file: FileDescriptor
    do {
      file = try FileDescriptor.opening(
        path, .readWrite, options: .create, permissions: FilePermissions(rawValue: 0o644))
    } catch {
      throw .outputFile(FileIOError(path: path, step: .open, errno: error))
    }
    let locked: Bool
    do {
      locked = try file.lockExclusivelyIfFree()
    } catch {
      file.closeIgnoringFailure()
      throw .outputFile(FileIOError(path: path, step: .lock, errno: error))
    }
    guard locked else {
      var holder: String?
      if let text = try? String(contentsOfFile: path, encoding: .utf8) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        holder = trimmed.isEmpty ? nil : trimmed
      }
      file.closeIgnoringFailure()
      throw .locked(path: path, holder: holder)
    }
    self.file = file
    let note = "pid \(getpid()) since \(ISO8601DateFormatter().string(from: Date()))\n"
    try? file.truncate(to: 0)
    _ = try? file.writeAll(toAbsoluteOffset: 0, Array(note.utf8))
  }

  deinit {
    file.unlock()
    file.closeIgnoringFailure()
  }
}
