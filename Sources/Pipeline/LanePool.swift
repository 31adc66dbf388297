import Dispatch
import Foundation
import Synchronization

/// The concurrent pipeline behind `scan` and `watch`: `lanes` Dispatch worker threads each take
/// the next item, read, decode and infer it (`work`), and hand the result to one write stage,
/// which receives results strictly in input order, whatever order the lanes finish in.
///
/// Memory stays flat: at most ``inFlightLimit`` items are between "taken" and "written", and
/// each lane keeps its own reusable state (`makeLane`: a scanner with its decoder and inference
/// buffers). Output order never depends on timing, so `--jobs 1` and `--jobs 2` write the same
/// bytes.
///
/// The write stage is the thread that calls ``run(_:shouldStop:makeLane:work:halts:write:)``,
/// so `write` may use what that thread owns (a checkpoint) without locks. It waits for the lanes
/// while they work, so it should not be a thread of Dispatch's pool or Swift's cooperative
/// pool: a pool whose threads all wait has none left for the lanes (`watch` calls it from a
/// thread of its own). For the same reason the lanes' `concurrentPerform` is started from a
/// thread of its own, not from the pool.
public struct LanePool: Sendable {
  /// How many worker lanes run at once (at least 1).
  public let lanes: Int

  public init(lanes: Int) { self.lanes = max(1, lanes) }

  /// The most items between "taken" and "written".
  public var inFlightLimit: Int { 2 * lanes }

  /// Runs `work` over `items` on the lanes and returns once every item taken was written.
  ///
  /// - Parameters:
  ///   - shouldStop: asked before each item is taken; once true, lanes take nothing more and the
  ///     items in hand are still written (this is how a stop reaches Dispatch: see
  ///     ``StopSignal``).
  ///   - makeLane: a lane's own state, made once on each lane.
  ///   - work: one item, on a lane.
  ///   - halts: whether a result stops the other lanes from taking more (a failure).
  ///   - write: each result with its index, in input order, on the calling thread; returning
  ///     false takes no further items and passes no further results.
  public func run<Item: Sendable, Lane, Output: Sendable>(
    _ items: [Item],
    shouldStop: @escaping @Sendable () -> Bool = { false },
    makeLane: @escaping @Sendable () -> Lane,
    work: @escaping @Sendable (Lane, Item) -> Output,
    halts: @escaping @Sendable (Output) -> Bool = { _ in false },
    write: (Int, Output) -> Bool
  ) {
    let handoff = LaneHandoff<Output>(lanes: lanes, window: inFlightLimit, count: items.count)
    let lanes = self.lanes
    Thread.detachNewThread {
      DispatchQueue.concurrentPerform(iterations: lanes) { _ in
        let lane = makeLane()
        while !shouldStop(), let index = handoff.take() {
          let output = work(lane, items[index])
          if halts(output) { handoff.halt() }
          handoff.hand(index, output)
        }
        handoff.laneEnded()
      }
    }
    handoff.writeInOrder(write)
  }
}

/// What the lanes and the write stage share: the next index to take, the results not yet
/// written, how many lanes still run. `window` bounds the items in flight; `arrived` wakes the
/// write stage when a result is handed or a lane ends.
private final class LaneHandoff<Output: Sendable>: Sendable {
  private struct State {
    var next = 0
    var halted = false
    var lanesRunning: Int
    var ready: [Int: Output] = [:]
  }

  private let state: Mutex<State>
  private let window: DispatchSemaphore
  private let arrived = DispatchSemaphore(value: 0)
  private let count: Int

  init(lanes: Int, window: Int, count: Int) {
    state = Mutex(State(lanesRunning: lanes))
    self.window = DispatchSemaphore(value: window)
    self.count = count
  }

  /// The next index, once the window has room; nil when all are taken or the pool halted. An
  /// index taken is always handed back, so the indices written have no gaps.
  func take() -> Int? {
    window.wait()
    let index = state.withLock { s -> Int? in
      guard !s.halted, s.next < count else { return nil }
      defer { s.next += 1 }
      return s.next
    }
    if index == nil { window.signal() }
    return index
  }

  func halt() { state.withLock { $0.halted = true } }

  func hand(_ index: Int, _ output: Output) {
    state.withLock { $0.ready[index] = output }
    arrived.signal()
  }

  func laneEnded() {
    state.withLock { $0.lanesRunning -= 1 }
    arrived.signal()
  }

  /// The write stage: passes results on in index order until every lane has ended and every
  /// result handed was passed on (or dropped, after `write` returned false).
  func writeInOrder(_ write: (Int, Output) -> Bool) {
    var next = 0
    var writing = true
    while true {
      arrived.wait()
      while true {
        let (output, lanesDone) = state.withLock { s in
          (s.ready.removeValue(forKey: next), s.lanesRunning == 0)
        }
        guard let output else {
          if lanesDone { return }
          break
        }
        if writing && !write(next, output) {
          writing = false
          halt()
        }
        next += 1
        window.signal()
      }
    }
  }
}
