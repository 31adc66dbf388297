import Synchronization

/// One task's wait for one event: ``wait()`` returns once ``fire()`` is called (before or
/// after the wait began) or the waiting task is cancelled. How ``StopSignal`` and a delivery's
/// cutoff wake a waiting task instead of it checking a flag on a timer.
public final class OneShotWaiter: Sendable {
  private struct State {
    var continuation: CheckedContinuation<Void, Never>?
    var fired = false
  }

  private let state = Mutex(State())

  public init() {}

  /// Ends the wait (now, or at once when it begins later); calling it again does nothing.
  public func fire() {
    let waiting = state.withLock { s -> CheckedContinuation<Void, Never>? in
      s.fired = true
      defer { s.continuation = nil }
      return s.continuation
    }
    waiting?.resume()
  }

  /// Returns once ``fire()`` is called or the task is cancelled. One task may wait.
  public func wait() async {
    await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let now = state.withLock { s -> Bool in
          if s.fired { return true }
          s.continuation = continuation
          return false
        }
        if now { continuation.resume() }
      }
    } onCancel: {
      fire()
    }
  }
}
