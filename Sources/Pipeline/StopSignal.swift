import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A stop request: set once (by SIGINT or SIGTERM, a fatal write error, or the cancellation of
/// an async task) and read by work that cannot be cancelled, so that it ends politely: lanes
/// finish the images in hand, the checkpoint is flushed, and the run can be resumed.
///
/// This is the one bridge between the two ways Lookout stops. Async code (`watch`) stops through
/// task cancellation; what runs on Dispatch (a ``LanePool``'s lanes) and what must not be
/// interrupted half-way (a delivery and its record in the outbox) learn of it here, through
/// `withTaskCancellationHandler(operation:onCancel:)` calling ``request()``. `scan` is not
/// async: its signal handler sets the request directly.
public final class StopSignal: Sendable {
  private struct State {
    var requested = false
    var handlers: [@Sendable () -> Void] = []
    var sources: [any DispatchSourceSignal] = []
  }

  private let state = Mutex(State())

  public init() {}

  /// Whether a stop was asked for.
  public var isRequested: Bool { state.withLock { $0.requested } }

  /// Asks running work to stop; the first request runs the handlers given to
  /// ``onRequest(_:)``.
  public func request() {
    let handlers = state.withLock { s -> [@Sendable () -> Void] in
      guard !s.requested else { return [] }
      s.requested = true
      defer { s.handlers = [] }
      return s.handlers
    }
    for handler in handlers { handler() }
  }

  /// Runs `handler` once a stop is requested (at once when it already was): how a signal
  /// cancels an async task.
  public func onRequest(_ handler: @escaping @Sendable () -> Void) {
    let now = state.withLock { s -> Bool in
      if s.requested { return true }
      s.handlers.append(handler)
      return false
    }
    if now { handler() }
  }

  /// Starts listening for SIGINT and SIGTERM: the first requests a stop, a second ends the
  /// process at once (a checkpoint or an outbox stays valid: both are append-only or
  /// transactional).
  public func install(quiet: Bool) {
    let queue = DispatchQueue(label: "lookout.signals")
    state.withLock { s in
      for number in [SIGINT, SIGTERM] {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
        source.setEventHandler { [self] in
          if isRequested { _exit(130) }
          if !quiet {
            FileHandle.standardError.write(
              Data("\nstopping after the images in progress (again to quit at once)\n".utf8))
          }
          request()
        }
        source.resume()
        s.sources.append(source)
      }
    }
  }
}
