import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Turns SIGINT and SIGTERM into a polite stop request: workers finish the images in hand, the
/// checkpoint is flushed, and the run can be resumed. A second signal ends the process at once
/// (the checkpoint stays valid: it is append-only).
///
/// `@unchecked Sendable`: the flag is atomic and `sources` is only written under `lock`.
public final class StopSignal: @unchecked Sendable {
  private let requested = Atomic<Bool>(false)
  private let lock = NSLock()
  private var sources: [DispatchSourceSignal] = []

  public init() {}

  /// Whether a stop was asked for.
  public var isRequested: Bool { requested.load(ordering: .acquiring) }

  /// Asks running work to stop (also used when a fatal write error happens).
  public func request() { requested.store(true, ordering: .releasing) }

  /// Starts listening for SIGINT and SIGTERM.
  public func install(quiet: Bool) {
    let queue = DispatchQueue(label: "lookout.signals")
    var installed: [DispatchSourceSignal] = []
    for number in [SIGINT, SIGTERM] {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
      source.setEventHandler { [self] in
        if isRequested { _exit(130) }
        request()
        if !quiet {
          FileHandle.standardError.write(
            Data("\nstopping after the images in progress (again to quit at once)\n".utf8))
        }
      }
      source.resume()
      installed.append(source)
    }
    lock.withLock { sources = installed }
  }
}
