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
///
/// A run stops when its task is cancelled (`lookout watch` cancels it on SIGINT or SIGTERM):
/// waits end at once, the images in hand are finished and committed, and a delivery under way
/// is finished or abandoned and recorded, never cut off between the two. The lanes and the
/// deliveries learn of the cancellation through a ``StopSignal``: deliveries run in tasks of
/// their own, not cancelled, because the outbox's database would abandon a cancelled write.
public actor InboxWatcher {
  public nonisolated let configuration: WatchConfiguration
  public nonisolated let store: WatchStore
  public nonisolated let delivery: DeliveryWorker
  private let lock: WatchLock
  private let observer: InboxObserver
  private let committer: ImageCommitter
  private let mover: ProcessedFileMover?
  private let locator: ImageLocator
  private let loadEngine: @Sendable () throws(WatchError) -> any OutcomeEngine
  private let log: @Sendable (String) -> Void
  private var engine: (any OutcomeEngine)?
  // Refused files already reported (each is said once per process, not every pass).
  private var reportedRefusals: Set<String> = []
  // What the delivery tasks delivered since the last pass summary (interval mode).
  private var deliveredSinceSummary = DeliveryTally()

  /// - Parameters:
  ///   - sinks: the network sinks (the JSON Lines sink is always added first).
  ///   - loadEngine: loads the detector (``DetectorEngine/load(directory:name:settings:)``), or
  ///     a stand-in in tests.
  ///   - log: receives problems worth a line on stderr (failed moves, delivery retries).
  public init(
    configuration: WatchConfiguration, sinks: [any AlertSink] = [],
    loadEngine: @escaping @Sendable () throws(WatchError) -> any OutcomeEngine,
    log: @escaping @Sendable (String) -> Void = { _ in }
  ) throws(WatchError) {
    self.configuration = configuration
    self.loadEngine = loadEngine
    self.log = log
    try Self.checkFolders(configuration)
    do {
      try PathCall.makeDirectories(configuration.output)
    } catch {
      throw .outputFile(
        FileIOError(path: configuration.output, step: .createDirectory, errno: error))
    }
    lock = try WatchLock(directory: configuration.output)
    store = try WatchStore(directory: configuration.output)
    var areas: ProtectedAreas?
    if let path = configuration.geofence.areasPath {
      do {
        areas = try GeoJSONAreaReader.read(path: path)
      } catch {
        throw .areas(error)
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
    var committer = ImageCommitter(
      sinks: allSinks.map(\.name), groupWindowSeconds: configuration.groupWindowSeconds,
      maxAttempts: configuration.maxAttempts, retryDelaySeconds: configuration.retryDelaySeconds,
      moves: configuration.moveProcessedTo != nil)
    committer.staticRule = configuration.staticRule
    self.committer = committer
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
    let stop = StopSignal()
    return try await withTaskCancellationHandler { () async -> Result<PassSummary, WatchError> in
      do throws(WatchError) {
        return .success(try await onePass(stop: stop))
      } catch {
        return .failure(error)
      }
    } onCancel: {
      stop.request()
    }.get()
  }

  private func onePass(stop: StopSignal) async throws(WatchError) -> PassSummary {
    let started = DispatchTime.now()
    var summary = PassSummary()
    try moveFinished(into: &summary)
    // Deliveries left by an earlier run go out while this one processes.
    let cutoff = DeliveryCutoff()
    let backlogs = delivery.sinks.map { sink in
      Self.sweepUncancelled(delivery, sink: sink.name, stop: stop, cutoff: cutoff)
    }
    var observation = try observer.observe(store: store, now: Date())
    reportRefusals(observation)
    try await process(observation.ready, into: &summary, stop: stop)
    if let due = observation.nextSettled, !stop.isRequested {
      let wait = min(due.timeIntervalSinceNow, configuration.settleSeconds)
      await Self.sleep(seconds: wait)
      let again = try observer.observe(store: store, now: Date())
      reportRefusals(again)
      observation.unstable = again.unstable
      observation.seen = again.seen
      try await process(again.ready, into: &summary, stop: stop)
    }
    summary.seen = observation.seen
    summary.unstable += observation.unstable
    try moveFinished(into: &summary)
    let wait = configuration.delivery.onceWaitSeconds
    let retryUntil = Date().addingTimeInterval(wait)
    cutoff.set(Date().addingTimeInterval(max(wait, Self.onceAnswerSeconds)))
    let tally = try await deliverOnce(
      after: backlogs, retryUntil: retryUntil, cutoff: cutoff, stop: stop)
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
    cutoff: DeliveryCutoff, stop: StopSignal
  ) async throws(WatchError) -> DeliveryTally {
    let work = zip(delivery.sinks, backlogs).map { (sink, backlog) in
      // alerts.jsonl is not cut off: only the retry window bounds its retries (disk full).
      (name: sink.name, local: sink.isLocal, backlog: backlog)
    }
    let delivery = self.delivery
    return try await DeliveryTally.concurrently(work) { item throws(WatchError) in
      var tally = try await item.backlog.value.get()
      tally.add(
        try await Self.sweepUncancelled(delivery, sink: item.name, stop: stop, cutoff: cutoff)
          .value.get())
      while !stop.isRequested, item.local || !cutoff.hasPassed,
        let next = try delivery.nextAttempt(sink: item.name), next <= retryUntil
      {
        await Self.sleep(seconds: next.timeIntervalSinceNow)
        tally.add(
          try await Self.sweepUncancelled(delivery, sink: item.name, stop: stop, cutoff: cutoff)
            .value.get())
      }
      return tally
    }
  }

  /// A sweep of one sink in a task of its own, which the caller's cancellation does not reach:
  /// a delivery and its record are never cut apart (a cancelled task's database write would be
  /// abandoned after the alert went out). It learns of a stop through `stop` instead.
  private static func sweepUncancelled(
    _ delivery: DeliveryWorker, sink name: String, stop: StopSignal, cutoff: DeliveryCutoff?
  ) -> Task<Result<DeliveryTally, WatchError>, Never> {
    Task { () async -> Result<DeliveryTally, WatchError> in
      do throws(WatchError) {
        return .success(try await delivery.sweep(sink: name, stop: stop, cutoff: cutoff))
      } catch {
        return .failure(error)
      }
    }
  }

  /// Runs until its task is cancelled: a pass every `interval` seconds (reported through
  /// `report`), and deliveries in between as soon as alerts are committed or a paused sink may
  /// try again, each sink in its own task (a receiver that hangs holds up only itself). A pass
  /// that fails (disk full, database locked) is reported and tried again at the next interval;
  /// only the first pass's failure is thrown.
  public func runContinuously(
    interval: Double, report: @escaping @Sendable (Result<PassSummary, WatchError>) -> Void
  ) async throws(WatchError) {
    let stop = StopSignal()
    let names = delivery.sinks.map(\.name)
    let failure = await withTaskCancellationHandler { () async -> WatchError? in
      await withTaskGroup(of: Result<Void, WatchError>?.self) { group in
        for name in names {
          group.addTask {
            await self.deliverContinuously(sink: name, stop: stop)
            return nil
          }
        }
        group.addTask {
          do throws(WatchError) {
            try await self.passContinuously(interval: interval, stop: stop, report: report)
            return .success(())
          } catch {
            return .failure(error)
          }
        }
        // The passes end on cancellation or the first pass's failure; the deliveries then.
        var failure: WatchError?
        for await ended in group {
          guard let ended else { continue }
          if case .failure(let error) = ended { failure = error }
          stop.request()
          group.cancelAll()
        }
        return failure
      }
    } onCancel: {
      stop.request()
    }
    if let failure { throw failure }
  }

  /// The passes of interval mode, until the task is cancelled; throws the first pass's failure.
  private func passContinuously(
    interval: Double, stop: StopSignal,
    report: @Sendable (Result<PassSummary, WatchError>) -> Void
  ) async throws(WatchError) {
    var first = true
    while !Task.isCancelled {
      let started = DispatchTime.now()
      var summary = PassSummary()
      do throws(WatchError) {
        try moveFinished(into: &summary)
        let observation = try observer.observe(store: store, now: Date())
        reportRefusals(observation)
        summary.seen = observation.seen
        summary.unstable = observation.unstable
        try await process(observation.ready, into: &summary, stop: stop)
        try moveFinished(into: &summary)
        let tally = deliveredSinceSummary
        deliveredSinceSummary = DeliveryTally()
        summary.alertsDelivered = tally.delivered
        summary.deliveriesRejected = tally.rejected
        summary.deliveriesPending = try delivery.pendingCount()
        summary.seconds =
          Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        report(.success(summary))
      } catch {
        if first { throw error }
        report(.failure(error))
      }
      first = false
      await Self.sleep(seconds: interval)
    }
  }

  /// One sink's deliveries in interval mode, until the task is cancelled. Not isolated to the
  /// watcher, so that a long pass never holds up the next sweep.
  private nonisolated func deliverContinuously(sink name: String, stop: StopSignal) async {
    while !Task.isCancelled {
      switch await Self.sweepUncancelled(delivery, sink: name, stop: stop, cutoff: nil).value {
      case .success(let tally):
        await noteDelivered(tally)
        // Poll for new alerts every half second (a paused sink's sweep returns at once).
        await Self.sleep(seconds: 0.5)
      case .failure(let error):
        log("delivery: \(error)")
        await Self.sleep(seconds: 5)
      }
    }
  }

  // MARK: Steps

  private func noteDelivered(_ tally: DeliveryTally) { deliveredSinceSummary.add(tally) }

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

  /// Processes the ready files on a ``LanePool`` of `jobs` lanes (each with its own producer),
  /// off the cooperative pool so that deliveries keep flowing meanwhile.
  private func process(
    _ ready: [ReadyFile], into summary: inout PassSummary, stop: StopSignal
  ) async throws(WatchError) {
    guard !ready.isEmpty, !stop.isRequested else { return }
    if engine == nil { engine = try loadEngine() }
    let engine = self.engine!
    let builder = FrameAlertBuilder(
      modelName: engine.modelName, modelVersion: engine.modelVersion,
      defaults: engine.defaultThresholds, overrides: configuration.thresholds, locator: locator,
      policy: configuration.geofence.policy,
      cameraUTCOffsetMinutes: configuration.geofence.cameraUTCOffsetMinutes)
    let pool = LanePool(lanes: min(configuration.jobs, ready.count))
    let store = self.store
    let committer = self.committer
    let inbox = configuration.inbox
    let (results, failure) = await withCheckedContinuation {
      (done: CheckedContinuation<([ProcessingResult], WatchError?), Never>) in
      // A thread of its own for the write stage, which waits (see LanePool).
      Thread.detachNewThread {
        var results: [ProcessingResult] = []
        var failure: WatchError?
        pool.run(
          ready, shouldStop: { stop.isRequested },
          makeLane: {
            FileProcessor(
              producer: engine.makeProducer(), store: store, committer: committer,
              builder: builder, inbox: inbox)
          },
          work: { processor, file in
            Result { () throws(WatchError) in try processor.process(file) }
          },
          // The first failure stops the other lanes from taking more files.
          halts: { if case .failure = $0 { true } else { false } }
        ) { _, result in
          switch result {
          case .success(let processed): results.append(processed)
          case .failure(let error): if failure == nil { failure = error }
          }
          return true
        }
        done.resume(returning: (results, failure))
      }
    }
    for result in results {
      switch result {
      case .changed: summary.unstable += 1
      case .committed(.stale): break
      case .committed(.done(let suppressed)):
        summary.processed += 1
        if suppressed { summary.alertsSuppressed += 1 }
      case .committed(.heldBackAsStatic(let detections)):
        summary.processed += 1
        summary.heldBackAsStatic += 1
        summary.staticDetections += detections
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

  /// Sleeps up to `seconds`, waking at once when the task is cancelled.
  static func sleep(seconds: Double) async {
    guard seconds > 0 else { return }
    try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
  }
}
