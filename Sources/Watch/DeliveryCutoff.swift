import Foundation
import Pipeline
import Synchronization

/// The moment after which a run stops waiting for receivers: a request still unanswered then is
/// abandoned (the alert stays in the outbox) and no new one starts. Shared between the delivery
/// tasks of a `--once` run, which start before the moment is known (it is set once the images
/// are processed).
public final class DeliveryCutoff: Sendable {
  private struct State {
    var moment: Date?
    /// Tasks waiting for the moment, woken when it is set or moved.
    var waiters: [OneShotWaiter] = []
  }

  private let state: Mutex<State>

  public init(_ date: Date? = nil) { state = Mutex(State(moment: date)) }

  /// Sets (or moves) the moment.
  public func set(_ date: Date) {
    let waiters = state.withLock { s -> [OneShotWaiter] in
      s.moment = date
      defer { s.waiters = [] }
      return s.waiters
    }
    for waiter in waiters { waiter.fire() }
  }

  /// Whether the moment is set and has come.
  public var hasPassed: Bool { state.withLock { $0.moment.map { $0 <= Date() } ?? false } }

  /// Returns once the moment has come (sleeping until it, or until it is set or moved) or the
  /// task is cancelled.
  public func waitUntilPassed() async {
    while !Task.isCancelled {
      let waiter = OneShotWaiter()
      let moment = state.withLock { s -> Date? in
        s.waiters.append(waiter)
        return s.moment
      }
      if let moment {
        let seconds = moment.timeIntervalSinceNow
        if seconds <= 0 { return }
        // Until the moment, or until it moves (the waiter fires), whichever comes first.
        await withTaskGroup(of: Void.self) { race in
          race.addTask { try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9) + 1) }
          race.addTask { await waiter.wait() }
          await race.next()
          race.cancelAll()
        }
      } else {
        await waiter.wait()
      }
      state.withLock { s in s.waiters.removeAll { $0 === waiter } }
    }
  }
}
