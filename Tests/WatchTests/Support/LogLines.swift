import Foundation

/// Collects log lines from the watcher.
final class LogLines: @unchecked Sendable {
  private let lock = NSLock()
  private var lines: [String] = []

  var all: [String] { lock.withLock { lines } }

  var sink: @Sendable (String) -> Void { { [self] line in lock.withLock { lines.append(line) } } }
}
