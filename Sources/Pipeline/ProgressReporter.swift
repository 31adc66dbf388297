import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A one-line progress display (count, rate, ETA) on stderr, redrawn at most 5 times a second.
/// It stays silent when stderr is not a terminal (cron, pipes, CI) or when asked to be quiet.
/// Used by one thread: a ``LanePool``'s write stage.
public final class ProgressReporter {
  private let total: Int
  private let enabled: Bool
  private let started = DispatchTime.now()
  private var lastDraw: UInt64 = 0
  private var done = 0
  private var failed = 0

  public init(total: Int, quiet: Bool) {
    self.total = total
    enabled = !quiet && isatty(STDERR_FILENO) == 1
  }

  /// Counts one finished image.
  public func advance(failed isFailure: Bool) {
    done += 1
    if isFailure { failed += 1 }
    guard enabled else { return }
    let now = DispatchTime.now().uptimeNanoseconds
    if now - lastDraw < 200_000_000 && done < total { return }
    lastDraw = now
    draw(now: now)
  }

  /// Ends the progress line.
  public func finish() {
    guard enabled else { return }
    draw(now: DispatchTime.now().uptimeNanoseconds)
    FileHandle.standardError.write(Data("\n".utf8))
  }

  private func draw(now: UInt64) {
    let seconds = Double(now - started.uptimeNanoseconds) / 1e9
    let rate = seconds > 0 ? Double(done) / seconds : 0
    let eta = rate > 0 ? Double(total - done) / rate : 0
    let width = 24
    let filled = total > 0 ? min(width, done * width / total) : width
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    let line = String(
      format: "\r[%@] %d/%d  %.1f img/s  ETA %@%@\u{1B}[K", bar, done, total, rate,
      Self.clock(eta), failed > 0 ? "  \(failed) failed" : "")
    FileHandle.standardError.write(Data(line.utf8))
  }

  static func clock(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 3600
      ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
      : String(format: "%d:%02d", s / 60, s % 60)
  }
}
