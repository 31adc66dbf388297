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
    var handlers: [Int: @Sendable () -> Void] = [:]
    var nextHandler = 0
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
      defer { s.handlers = [:] }
      return s.handlers.sorted { $0.key < $1.key }.map(\.value)
    }
    for handler in handlers { handler() }
  }

  /// Runs `handler` once a stop is requested (at once when it already was): how a signal
  /// cancels an async task. Returns a token for ``removeHandler(_:)``; nil when the handler
  /// has already run.
  @discardableResult
  public func onRequest(_ handler: @escaping @Sendable () -> Void) -> Int? {
    let token = state.withLock { s -> Int? in
      if s.requested { return nil }
      s.nextHandler += 1
      s.handlers[s.nextHandler] = handler
      return s.nextHandler
    }
    if token == nil { handler() }
    return token
  }

  /// Forgets a handler that is no longer needed (its wait ended another way).
  public func removeHandler(_ token: Int?) {
    guard let token else { return }
    _ = state.withLock { $0.handlers.removeValue(forKey: token) }
  }

  /// Returns once a stop is requested (at once when it already was) or the task is cancelled.
  public func waitUntilRequested() async {
    let waiter = OneShotWaiter()
    let token = onRequest { waiter.fire() }
    await waiter.wait()
    removeHandler(token)
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
