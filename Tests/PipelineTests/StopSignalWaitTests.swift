import Foundation
import Pipeline
import Synchronization
import Testing

/// Waiting for a stop wakes on the request itself (no timer), and on the task's cancellation.
@Suite struct StopSignalWaitTests {
  @Test func aRequestWakesTheWaiter() async {
    let stop = StopSignal()
    let waiting = Task { await stop.waitUntilRequested() }
    try? await Task.sleep(nanoseconds: 50_000_000)
    stop.request()
    await waiting.value
    #expect(stop.isRequested)
  }

  @Test func anEarlierRequestEndsTheWaitAtOnce() async {
    let stop = StopSignal()
    stop.request()
    await stop.waitUntilRequested()
    #expect(stop.isRequested)
  }

  @Test func cancellingTheTaskEndsTheWaitWithoutAStop() async {
    let stop = StopSignal()
    let waiting = Task { await stop.waitUntilRequested() }
    waiting.cancel()
    await waiting.value
    #expect(!stop.isRequested)
  }

  /// A handler removed after its wait ended another way is not run by a later request.
  @Test func aRemovedHandlerDoesNotRun() {
    let stop = StopSignal()
    let ran = OneShotWaiter()
    let flag = Flag()
    let token = stop.onRequest {
      flag.set()
      ran.fire()
    }
    stop.removeHandler(token)
    stop.request()
    #expect(!flag.isSet)
  }

  @Test func aWaiterFiredBeforeItsWaitReturnsAtOnce() async {
    let waiter = OneShotWaiter()
    waiter.fire()
    waiter.fire()
    await waiter.wait()
  }
}

/// A thread-safe flag for the tests.
final class Flag: Sendable {
  private let value = Mutex(false)
  func set() { value.withLock { $0 = true } }
  var isSet: Bool { value.withLock { $0 } }
}

