import Foundation
import Testing

@testable import Watch

/// The delivery wait's cutoff wakes a waiting request at its moment, and when it is set or moved
/// while the request waits.
@Suite struct DeliveryCutoffTests {
  @Test func waitsUntilTheMoment() async {
    let cutoff = DeliveryCutoff(Date().addingTimeInterval(0.3))
    let start = Date()
    await cutoff.waitUntilPassed()
    #expect(Date().timeIntervalSince(start) >= 0.29)
    #expect(cutoff.hasPassed)
  }

  @Test func aMomentSetWhileWaitingWakesTheWaiter() async {
    let cutoff = DeliveryCutoff()
    let waiting = Task { await cutoff.waitUntilPassed() }
    try? await Task.sleep(nanoseconds: 50_000_000)
    #expect(!cutoff.hasPassed)
    cutoff.set(Date())
    await waiting.value
    #expect(cutoff.hasPassed)
  }

  /// A moment an hour away, moved to now: the waiter does not sleep the hour.
  @Test func movingTheMomentEarlierWakesTheWaiter() async {
    let cutoff = DeliveryCutoff(Date().addingTimeInterval(3600))
    let start = Date()
    let waiting = Task { await cutoff.waitUntilPassed() }
    try? await Task.sleep(nanoseconds: 50_000_000)
    cutoff.set(Date())
    await waiting.value
    // Well under the hour, whatever the load: on 2 cores the other suites' synchronous scans
    // can hold the cooperative threads for a minute or more (76 s seen) before the woken
    // waiter runs.
    #expect(Date().timeIntervalSince(start) < 1800)
  }

  @Test func cancellingTheTaskEndsTheWait() async {
    let cutoff = DeliveryCutoff(Date().addingTimeInterval(3600))
    let waiting = Task { await cutoff.waitUntilPassed() }
    waiting.cancel()
    await waiting.value
    #expect(!cutoff.hasPassed)
  }
}
