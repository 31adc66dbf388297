import Pipeline
import Synchronization
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The lane pool behind `scan` and `watch`: results reach the write stage in input order, with a
/// bounded number of items in flight, and a stop, a failed write or a halting result ends the
/// run without a gap in what was written.
@Suite struct LanePoolTests {
  /// Counts what is between "taken" and "written", and the most there ever was.
  final class InFlight: Sendable {
    private let counts = Mutex((now: 0, most: 0))
    func take() { counts.withLock { $0.now += 1; $0.most = max($0.most, $0.now) } }
    func written() { counts.withLock { $0.now -= 1 } }
    var most: Int { counts.withLock { $0.most } }
  }

  @Test(arguments: [1, 2, 3])
  func resultsArriveInInputOrderWithABoundedWindow(lanes: Int) {
    let pool = LanePool(lanes: lanes)
    let inFlight = InFlight()
    var written: [Int] = []
    var values: [String] = []
    pool.run(
      Array(0..<200),
      makeLane: { () },
      work: { _, item in
        inFlight.take()
        // Early items take longest, so lanes finish out of order.
        if item % 7 == 0 { usleep(UInt32(2000)) }
        return "item \(item)"
      }
    ) { index, value in
      written.append(index)
      values.append(value)
      inFlight.written()
      return true
    }
    #expect(written == Array(0..<200))
    #expect(values == (0..<200).map { "item \($0)" })
    #expect(inFlight.most <= pool.inFlightLimit)
    #expect(pool.inFlightLimit == 2 * lanes)
  }

  @Test func eachLaneMakesItsStateOnce() {
    let made = Mutex(0)
    let seen = Mutex(Set<Int>())
    final class Lane { let id: Int; init(_ id: Int) { self.id = id } }
    var count = 0
    LanePool(lanes: 2).run(
      Array(0..<50),
      makeLane: { Lane(made.withLock { $0 += 1; return $0 }) },
      work: { lane, _ in lane.id }
    ) { _, id in
      seen.withLock { _ = $0.insert(id) }
      count += 1
      return true
    }
    #expect(count == 50)
    #expect(made.withLock { $0 } == 2)
    #expect(seen.withLock { $0 }.isSubset(of: [1, 2]))
  }

  @Test func nothingToDoWritesNothing() {
    var calls = 0
    LanePool(lanes: 2).run([Int](), makeLane: { () }, work: { _, item in item }) { _, _ in
      calls += 1
      return true
    }
    #expect(calls == 0)
  }

  /// A stop asked for part-way: nothing more is taken, what was taken is written, in order.
  @Test func aStopEndsTheRunWithoutAGap() {
    let stop = StopSignal()
    var written: [Int] = []
    LanePool(lanes: 2).run(
      Array(0..<1000), shouldStop: { stop.isRequested }, makeLane: { () },
      work: { _, item in
        if item == 10 { stop.request() }
        return item
      }
    ) { index, item in
      #expect(index == item)
      written.append(index)
      return true
    }
    #expect(written == Array(0..<written.count))
    #expect(written.count > 10 && written.count <= 10 + 1 + LanePool(lanes: 2).inFlightLimit)
  }

  /// A write that fails: no later result is passed on, and the lanes stop taking items.
  @Test func aFailedWriteStopsTheRun() {
    let worked = Mutex(0)
    var written: [Int] = []
    LanePool(lanes: 2).run(
      Array(0..<1000), makeLane: { () },
      work: { _, item in
        worked.withLock { $0 += 1 }
        return item
      }
    ) { index, _ in
      written.append(index)
      return index < 5
    }
    #expect(written == [0, 1, 2, 3, 4, 5])
    #expect(worked.withLock { $0 } < 1000)
  }

  /// A result that halts (a failure in `watch`): the other lanes take nothing more, and every
  /// result taken before is still written.
  @Test func aHaltingResultStopsTheOtherLanes() {
    var written: [Int] = []
    LanePool(lanes: 2).run(
      Array(0..<1000), makeLane: { () }, work: { _, item in item },
      halts: { $0 == 20 }
    ) { index, _ in
      written.append(index)
      return true
    }
    #expect(written == Array(0..<written.count))
    #expect(written.count > 20 && written.count <= 21 + LanePool(lanes: 2).inFlightLimit)
  }
}
