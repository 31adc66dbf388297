import Dispatch
import Formats
import Foundation
import Geo
import LookoutSystem
import Pipeline

/// Runs `lookout watch`: passes over the inbox (observe, process what is stable, move what is
/// finished) and the delivery of the outbox to the sinks.
///
/// Opening one takes the output folder's lock (``WatchLock``) and opens the state database;
/// both stay held until the watcher is released. The detector is loaded on the first pass that
/// has an image to process, so a cron run over an unchanged inbox stays cheap.
public final class InboxWatcher: @unchecked Sendable {
  public let configuration: WatchConfiguration
  public let store: WatchStore
  public let delivery: DeliveryWorker
  private let lock: WatchLock
  private let observer: InboxObserver
  private let committer: ImageCommitter
  private let mover: ProcessedFileMover?
  private let locator: ImageLocator
  private let loadEngine: @Sendable () throws(WatchError) -> any OutcomeEngine
  private let stop: StopSignal
  private let log: @Sendable (String) -> Void
  // Only touched by the pass that is running (passes never overlap).
  private var engine: (any OutcomeEngine)?
  // Refused files already reported (each is said once per process, not every pass).
  private var reportedRefusals: Set<String> = []

  /// - Parameters:
  ///   - sinks: the network sinks (the JSON Lines sink is always added first).
  ///   - loadEngine: loads the detector (``DetectorEngine/load(directory:name:settings:)``), or
  ///     a stand-in in tests.
  ///   - log: receives problems worth a line on stderr (failed moves, delivery retries).
  public init(
    configuration: WatchConfiguration, sinks: [any AlertSink] = [],
    loadEngine: @escaping @Sendable () throws(WatchError) -> any OutcomeEngine,
    stop: StopSignal = StopSignal(), log: @escaping @Sendable (String) -> Void = { _ in }
  ) throws(WatchError) {
    self.configuration = configuration
    self.loadEngine = loadEngine
    self.stop = stop
    self.log = log
    try Self.checkFolders(configuration)
    do {
      try FileManager.default.createDirectory(
        atPath: configuration.output, withIntermediateDirectories: true)
    } catch {
      throw .outputUnwritable(path: configuration.output, reason: SystemErrorText.describe(error))
    }
    lock = try WatchLock(directory: configuration.output)
    store = try WatchStore(directory: configuration.output)
    var areas: ProtectedAreas?
    if let path = configuration.geofence.areasPath {
      do {
        areas = try GeoJSONAreaReader.read(path: path)
      } catch {
        throw .areas(path: path, reason: error.reason)
      }
    }
    let deployments = try configuration.geofence.deploymentsPath.map {
      (path: String) throws(WatchError) in
      do throws(DeploymentsError) {
        return try DeploymentsFile.readForPlacement(path: path)
      } catch {
        throw .deployments(error)
      }
    }
    locator = ImageLocator(areas: areas, deployments: deployments)
    let allSinks: [any AlertSink] = [JSONLinesSink(directory: configuration.output)] + sinks
    delivery = DeliveryWorker(
      store: store, sinks: allSinks,
      backoff: RetryBackoff(
        baseSeconds: configuration.delivery.retryBaseSeconds,
        maxSeconds: configuration.delivery.retryMaxSeconds), log: log)
    observer = InboxObserver(inbox: configuration.inbox, settleSeconds: configuration.settleSeconds)
    committer = ImageCommitter(
      sinks: allSinks.map(\.name), groupWindowSeconds: configuration.groupWindowSeconds,
      maxAttempts: configuration.maxAttempts, retryDelaySeconds: configuration.retryDelaySeconds,
      moves: configuration.moveProcessedTo != nil)
    mover = configuration.moveProcessedTo.map {
      ProcessedFileMover(inbox: configuration.inbox, destination: $0)
    }
  }

  /// The inbox must be a readable folder, and neither the output folder nor the move folder may
  /// be inside it (their files would be watched too).
  static func checkFolders(_ c: WatchConfiguration) throws(WatchError) {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: c.inbox, isDirectory: &isFolder),
      isFolder.boolValue
    else { throw .inboxUnreadable(path: c.inbox, reason: "not a folder") }
    let inbox = URL(fileURLWithPath: c.inbox).standardizedFileURL.resolvingSymlinksInPath().path
    for (label, folder) in [("output", c.output), ("move-processed", c.moveProcessedTo)] {
      guard let folder else { continue }
      let path = URL(fileURLWithPath: folder).standardizedFileURL.resolvingSymlinksInPath().path
      if path == inbox || path.hasPrefix(inbox + "/") {
        throw .outputUnwritable(
          path: folder, reason: "the \(label) folder must not be inside the inbox \(c.inbox)")
      }
    }
  }

  // MARK: Passes

  /// One pass for cron (`--once`): observe; process what is stable; when files were still
  /// settling, wait for them (at most the settle time) and look once more; move finished
  /// files; deliver, retrying failed deliveries for up to `onceWaitSeconds`. Requests still
  /// unanswered `max(onceWaitSeconds, onceAnswerSeconds)` after the images are processed are
  /// abandoned. Whatever is not delivered stays in the outbox for the next run. Each sink
  /// delivers on its own, so alerts.jsonl never waits for a receiver.
  public func runOnce() async throws(WatchError) -> PassSummary {
    let started = DispatchTime.now()
    var summary = PassSummary()
    try moveFinished(into: &summary)
    // Deliveries left by an earlier run go out while this one processes.
    let cutoff = DeliveryCutoff()
    let backlogs = delivery.sinks.map { sink in
      Task { () async -> Result<DeliveryTally, WatchError> in
        do throws(WatchError) {
          return .success(
            try await self.delivery.sweep(sink: sink.name, stop: self.stop, cutoff: cutoff))
        } catch {
          return .failure(error)
        }
      }
    }
    var observation = try observer.observe(store: store, now: Date())
    reportRefusals(observation)
    try await process(observation.ready, into: &summary)
    if let due = observation.nextSettled, !stop.isRequested {
      let wait = min(due.timeIntervalSinceNow, configuration.settleSeconds)
      await sleep(seconds: wait)
      let again = try observer.observe(store: store, now: Date())
      reportRefusals(again)
      observation.unstable = again.unstable
      observation.seen = again.seen
      try await process(again.ready, into: &summary)
    }
    summary.seen = observation.seen
    summary.unstable += observation.unstable
    try moveFinished(into: &summary)
    let wait = configuration.delivery.onceWaitSeconds
    let retryUntil = Date().addingTimeInterval(wait)
    cutoff.set(Date().addingTimeInterval(max(wait, Self.onceAnswerSeconds)))
    let tally = try await deliverOnce(after: backlogs, retryUntil: retryUntil, cutoff: cutoff)
    summary.alertsDelivered = tally.delivered
    summary.deliveriesRejected = tally.rejected
    summary.deliveriesPending = try delivery.pendingCount()
    summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
    return summary
  }

  /// With `--once`, how long after the images are processed a receiver has to answer when the
  /// delivery wait is shorter: enough for one attempt at each alert, not a request timeout.
  public static let onceAnswerSeconds = 5.0

  /// The `--once` deliveries, every sink on its own: its backlog sweep, a sweep of what this
  /// run queued, then retries while they are due before `retryUntil`.
  private func deliverOnce(
    after backlogs: [Task<Result<DeliveryTally, WatchError>, Never>], retryUntil: Date,
    cutoff: DeliveryCutoff
  ) async throws(WatchError) -> DeliveryTally {
    let work = zip(delivery.sinks, backlogs).map { (sink, backlog) in
      // alerts.jsonl is not cut off: only the retry window bounds its retries (disk full).
      (name: sink.name, local: sink.isLocal, backlog: backlog)
    }
    return try await DeliveryTally.concurrently(work) { item throws(WatchError) in
      var tally = try await item.backlog.value.get()
      tally.add(try await self.delivery.sweep(sink: item.name, stop: self.stop, cutoff: cutoff))
      while !self.stop.isRequested, item.local || !cutoff.hasPassed,
        let next = try self.delivery.nextAttempt(sink: item.name), next <= retryUntil
      {
        await self.sleep(seconds: next.timeIntervalSinceNow)
        tally.add(try await self.delivery.sweep(sink: item.name, stop: self.stop, cutoff: cutoff))
      }
      return tally
    }
  }

  /// Runs until a stop is requested: a pass every `interval` seconds (reported through
  /// `report`), and deliveries in between as soon as alerts are committed or a paused sink may
  /// try again, each sink in its own task (a receiver that hangs holds up only itself). A pass
  /// that fails (disk full, database locked) is reported and tried again at the next interval;
  /// only the first pass's failure is thrown.
  public func runContinuously(
    interval: Double, report: @escaping @Sendable (Result<PassSummary, WatchError>) -> Void
  ) async throws(WatchError) {
    let counter = DeliveryCounter()
    let deliveries = delivery.sinks.map(\.name).map { name in
      Task {
        while !self.stop.isRequested {
          do throws(WatchError) {
            counter.add(try await self.delivery.sweep(sink: name, stop: self.stop))
            // Poll for new alerts every half second (a paused sink's sweep returns at once).
            await self.sleep(seconds: 0.5)
          } catch {
            self.log("delivery: \(error)")
            await self.sleep(seconds: 5)
          }
        }
      }
    }
    var first = true
    while !stop.isRequested {
      let started = DispatchTime.now()
      var summary = PassSummary()
      do throws(WatchError) {
        try moveFinished(into: &summary)
        let observation = try observer.observe(store: store, now: Date())
        reportRefusals(observation)
        summary.seen = observation.seen
        summary.unstable = observation.unstable
        try await process(observation.ready, into: &summary)
        try moveFinished(into: &summary)
        let tally = counter.take()
        summary.alertsDelivered = tally.delivered
        summary.deliveriesRejected = tally.rejected
        summary.deliveriesPending = try delivery.pendingCount()
        summary.seconds =
          Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        report(.success(summary))
      } catch {
        if first {
          stop.request()
          for task in deliveries { _ = await task.value }
          throw error
        }
        report(.failure(error))
      }
      first = false
      await sleep(seconds: interval)
    }
    for task in deliveries { _ = await task.value }
  }

  // MARK: Steps

  private func reportRefusals(_ observation: InboxObservation) {
    for (path, reason) in observation.refused where reportedRefusals.insert(path).inserted {
      log("not processing \(configuration.inbox)/\(path): \(reason)")
    }
  }

  private func moveFinished(into summary: inout PassSummary) throws(WatchError) {
    guard let mover else { return }
    let (moved, problems) = try mover.movePending(store: store)
    summary.moved += moved
    for problem in problems { log(problem) }
  }

  /// Processes the ready files on `jobs` worker threads (each with its own producer), off the
  /// cooperative pool so that deliveries keep flowing meanwhile.
  private func process(_ ready: [ReadyFile], into summary: inout PassSummary)
    async throws(WatchError)
  {
    guard !ready.isEmpty, !stop.isRequested else { return }
    if engine == nil { engine = try loadEngine() }
    let engine = self.engine!
    let builder = FrameAlertBuilder(
      modelName: engine.modelName, modelVersion: engine.modelVersion,
      defaults: engine.defaultThresholds, overrides: configuration.thresholds, locator: locator,
      policy: configuration.geofence.policy,
      cameraUTCOffsetMinutes: configuration.geofence.cameraUTCOffsetMinutes)
    let lanes = max(1, min(configuration.jobs, ready.count))
    let shared = LaneState(count: ready.count)
    let store = self.store
    let committer = self.committer
    let stop = self.stop
    let inbox = configuration.inbox
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
      DispatchQueue.global(qos: .userInitiated).async {
        DispatchQueue.concurrentPerform(iterations: lanes) { _ in
          let processor = FileProcessor(
            producer: engine.makeProducer(), store: store, committer: committer, builder: builder,
            inbox: inbox)
          while !stop.isRequested, let index = shared.next() {
            do throws(WatchError) {
              shared.record(try processor.process(ready[index]))
            } catch {
              shared.fail(error)
            }
          }
        }
        done.resume()
      }
    }
    let (results, failure) = shared.finish()
    for result in results {
      switch result {
      case .changed: summary.unstable += 1
      case .committed(.stale): break
      case .committed(.done(let suppressed)):
        summary.processed += 1
        if suppressed { summary.alertsSuppressed += 1 }
      case .committed(.alerted(_, let created)):
        summary.processed += 1
        if created { summary.alertsNew += 1 } else { summary.alertsUpdated += 1 }
      case .committed(.duplicate): summary.duplicates += 1
      case .committed(.attemptFailed(let final)):
        if final { summary.failed += 1 } else { summary.retrying += 1 }
      }
    }
    if let failure { throw failure }
  }

  /// Sleeps up to `seconds`, waking early when a stop is requested.
  func sleep(seconds: Double) async {
    var left = seconds
    while left > 0 && !stop.isRequested {
      let step = min(left, 0.2)
      try? await Task.sleep(nanoseconds: UInt64(step * 1e9))
      left -= step
    }
  }
}

/// The work list shared by the worker threads: the next index, results, the first error (which
/// stops the others).
private final class LaneState: @unchecked Sendable {
  private let lock = NSLock()
  private let count: Int
  private var nextIndex = 0
  private var results: [ProcessingResult] = []
  private var failure: WatchError?

  init(count: Int) { self.count = count }

  func next() -> Int? {
    lock.withLock {
      guard failure == nil, nextIndex < count else { return nil }
      defer { nextIndex += 1 }
      return nextIndex
    }
  }

  func record(_ result: ProcessingResult) { lock.withLock { results.append(result) } }

  func fail(_ error: WatchError) { lock.withLock { if failure == nil { failure = error } } }

  func finish() -> ([ProcessingResult], WatchError?) { lock.withLock { (results, failure) } }
}

/// Deliveries made by the background task since the last pass summary.
private final class DeliveryCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var tally = DeliveryTally()

  func add(_ t: DeliveryTally) { lock.withLock { tally.add(t) } }

  func take() -> DeliveryTally {
    lock.withLock {
      defer { tally = DeliveryTally() }
      return tally
    }
  }
}
