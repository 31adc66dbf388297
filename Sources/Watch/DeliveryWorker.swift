import Foundation
import GRDB
import Pipeline

/// What a round of deliveries did.
public struct DeliveryTally: Sendable, Equatable {
  /// Revisions acknowledged (each sink counts).
  public var delivered = 0
  /// Attempts that failed and will be retried.
  public var retried = 0
  /// Revisions refused for good.
  public var rejected = 0

  public init() {}

  mutating func add(_ other: DeliveryTally) {
    delivered += other.delivered
    retried += other.retried
    rejected += other.rejected
  }

  /// Runs `deliver` for every item at once, one child task each (sinks deliver in parallel, so
  /// a slow receiver holds up no other), and adds up their tallies; the first failure is thrown
  /// after all have ended.
  static func concurrently<Item: Sendable>(
    _ items: [Item],
    _ deliver: @escaping @Sendable (Item) async throws(WatchError) -> DeliveryTally
  ) async throws(WatchError) -> DeliveryTally {
    let results = await withTaskGroup(of: Result<DeliveryTally, WatchError>.self) { group in
      for item in items {
        group.addTask {
          do throws(WatchError) {
            return .success(try await deliver(item))
          } catch {
            return .failure(error)
          }
        }
      }
      var all: [Result<DeliveryTally, WatchError>] = []
      for await result in group { all.append(result) }
      return all
    }
    var tally = DeliveryTally()
    for result in results { tally.add(try result.get()) }
    return tally
  }
}

/// Delivers the outbox: for every sink, the pending alert revisions in the order they were
/// queued, each result recorded in its own transaction (the delivery row and the sink's state
/// together). After a retryable failure the sink pauses (``RetryBackoff``, or the receiver's
/// Retry-After) and the rest of its queue waits; the pause is stored, so a restart or the next
/// cron run honours it. Delivery is at least once: a crash between a receiver's answer and the
/// commit sends that revision again, with the same idempotency key.
///
/// A network sink's request is abandoned when a stop is requested or the ``DeliveryCutoff``
/// passes: the attempt is not recorded and the revision stays pending. The local alerts.jsonl
/// ignores the cutoff, and sinks never wait for one another: each can be swept on its own
/// (``sweep(sink:stop:cutoff:)``), so alerts.jsonl keeps up while a webhook hangs.
public final class DeliveryWorker: Sendable {
  public let store: WatchStore
  public let sinks: [any AlertSink]
  public let backoff: RetryBackoff
  private let log: @Sendable (String) -> Void

  public init(
    store: WatchStore, sinks: [any AlertSink], backoff: RetryBackoff,
    log: @escaping @Sendable (String) -> Void = { _ in }
  ) {
    self.store = store
    self.sinks = sinks
    self.backoff = backoff
    self.log = log
  }

  private struct Due: Sendable {
    var delivery: Delivery
    var revision: Int
    var payload: String
  }

  /// One round: every sink that is not paused delivers what is due, sinks in parallel.
  public func sweep(stop: StopSignal? = nil, cutoff: DeliveryCutoff? = nil)
    async throws(WatchError) -> DeliveryTally
  {
    try await DeliveryTally.concurrently(sinks) { sink throws(WatchError) in
      try await self.sweep(sink, stop: stop, cutoff: cutoff)
    }
  }

  /// One round for the sink called `name` alone (nothing when no sink has that name).
  public func sweep(sink name: String, stop: StopSignal? = nil, cutoff: DeliveryCutoff? = nil)
    async throws(WatchError) -> DeliveryTally
  {
    guard let sink = sinks.first(where: { $0.name == name }) else { return DeliveryTally() }
    return try await sweep(sink, stop: stop, cutoff: cutoff)
  }

  private func sweep(_ sink: any AlertSink, stop: StopSignal?, cutoff: DeliveryCutoff?)
    async throws(WatchError) -> DeliveryTally
  {
    let name = sink.name
    // The cutoff bounds the wait for receivers; a local sink never waits for one.
    let cutoff = sink.isLocal ? nil : cutoff
    var tally = DeliveryTally()
    let stored = try await store.read { db in
      try SinkState.fetchOne(db, key: name) ?? SinkState(sink: name)
    }
    CrashPoint.reached("\(name):start")
    let prepared = try sink.prepare(state: stored)
    if prepared != stored { try await store.write { db in try prepared.save(db) } }
    CrashPoint.reached("\(name):prepared")
    if let paused = prepared.pausedUntil, paused > Date() { return tally }
    while stop?.isRequested != true, cutoff?.hasPassed != true {
      let batch = try await store.read { db in
        try Row.fetchAll(
          db,
          sql: """
            SELECT d.*, a.revision AS alert_revision, a.payload AS alert_payload
            FROM delivery d JOIN alert a ON a.id = d.alert_id
            WHERE d.sink = ? AND d.state = 'pending'
            ORDER BY d.queued_at, d.alert_id LIMIT 20
            """, arguments: [name]
        ).map { row in
          Due(
            delivery: try Delivery(row: row), revision: row["alert_revision"],
            payload: row["alert_payload"])
        }
      }
      if batch.isEmpty { break }
      for due in batch {
        if stop?.isRequested == true || cutoff?.hasPassed == true { return tally }
        let item = PendingDelivery(
          alertID: due.delivery.alertID, revision: due.revision, payload: due.payload,
          remoteID: due.delivery.remoteID, deliveredRevision: due.delivery.deliveredRevision)
        guard let result = await attempt(item, to: sink, stop: stop, cutoff: cutoff) else {
          log(
            "\(name): no answer for alert \(item.alertID) revision \(item.revision) before "
              + (stop?.isRequested == true ? "the stop" : "the delivery wait ran out")
              + "; it stays in the outbox")
          return tally
        }
        let pause = try await record(result, for: item, sink: name)
        CrashPoint.reached("\(name):committed")
        switch result {
        case .delivered: tally.delivered += 1
        case .rejected(let status, let response):
          tally.rejected += 1
          log(
            "\(name): alert \(item.alertID) revision \(item.revision) refused "
              + "(HTTP \(status)): \(response)")
        case .retry(_, _, let reason):
          tally.retried += 1
          log("\(name): \(reason); next try in \(Int(pause.rounded(.up))) s")
          return tally
        }
      }
    }
    return tally
  }

  /// One delivery attempt. A local sink is simply awaited; a network sink's request is raced
  /// against the stop and the cutoff, and abandoned (nil: nothing to record) when either comes
  /// first.
  private func attempt(
    _ item: PendingDelivery, to sink: any AlertSink, stop: StopSignal?, cutoff: DeliveryCutoff?
  ) async -> DeliveryResult? {
    if sink.isLocal { return await sink.deliver(item) }
    return await withTaskGroup(of: DeliveryResult?.self) { group in
      group.addTask { await sink.deliver(item) }
      group.addTask {
        // Woken by the stop or the cutoff, whichever comes first (or by the request's answer,
        // which cancels this task).
        await withTaskGroup(of: Void.self) { race in
          race.addTask {
            if let stop { await stop.waitUntilRequested() } else { await OneShotWaiter().wait() }
          }
          race.addTask {
            if let cutoff { await cutoff.waitUntilPassed() } else { await OneShotWaiter().wait() }
          }
          await race.next()
          race.cancelAll()
        }
        return nil
      }
      let first = await group.next() ?? nil
      group.cancelAll()
      return first
    }
  }

  /// Records an attempt; returns the pause before the sink's next try (0 unless retrying).
  private func record(_ result: DeliveryResult, for item: PendingDelivery, sink name: String)
    async throws(WatchError) -> Double
  {
    let backoff = self.backoff
    return try await store.write { db -> Double in
      let now = Date()
      guard var delivery = try Delivery.fetchOne(db, key: ["alert_id": item.alertID, "sink": name])
      else { return 0 }
      var state = try SinkState.fetchOne(db, key: name) ?? SinkState(sink: name)
      delivery.attempts += 1
      var pause = 0.0
      switch result {
      case .delivered(let status, let remoteID, let file):
        delivery.deliveredRevision = max(delivery.deliveredRevision, item.revision)
        delivery.state =
          delivery.deliveredRevision >= delivery.targetRevision ? .delivered : .pending
        delivery.deliveredAt = now
        delivery.lastStatus = status
        delivery.lastError = nil
        delivery.remoteID = remoteID ?? delivery.remoteID
        state.consecutiveFailures = 0
        state.pausedUntil = nil
        state.lastError = nil
        if let file {
          state.fileInode = file.inode
          state.fileBytes = file.bytes
        }
      case .retry(let status, let after, let reason):
        delivery.lastStatus = status
        delivery.lastError = reason
        state.consecutiveFailures += 1
        pause = backoff.delay(failures: state.consecutiveFailures, retryAfter: after)
        state.pausedUntil = now.addingTimeInterval(pause)
        state.lastError = reason
      case .rejected(let status, let response):
        delivery.state = .rejected
        delivery.lastStatus = status
        delivery.lastError = response
        state.consecutiveFailures = 0
        state.pausedUntil = nil
      }
      try delivery.update(db)
      try state.save(db)
      return pause
    }
  }

  /// Revisions not yet acknowledged by the configured sinks.
  public func pendingCount() throws(WatchError) -> Int {
    let names = sinks.map(\.name)
    return try store.read { db in
      try names.reduce(0) { total, name in
        total
          + (try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM delivery WHERE sink = ? AND state = 'pending'",
            arguments: [name]) ?? 0)
      }
    }
  }

  /// When a sink with pending deliveries may next be tried: nil when nothing is pending, a time
  /// not after now when something is due already.
  public func nextAttempt() throws(WatchError) -> Date? {
    try nextAttempt(among: sinks.map(\.name))
  }

  /// The same for the sink called `name` alone.
  public func nextAttempt(sink name: String) throws(WatchError) -> Date? {
    try nextAttempt(among: [name])
  }

  private func nextAttempt(among names: [String]) throws(WatchError) -> Date? {
    try store.read { db -> Date? in
      var earliest: Date?
      for name in names {
        let pending =
          try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM delivery WHERE sink = ? AND state = 'pending'",
            arguments: [name]) ?? 0
        guard pending > 0 else { continue }
        let paused = try SinkState.fetchOne(db, key: name)?.pausedUntil ?? Date.distantPast
        earliest = min(earliest ?? paused, paused)
      }
      return earliest
    }
  }
}
