import Foundation
import Formats
import GRDB
import LookoutCore

/// What a commit did.
public enum CommitEffect: Sendable, Equatable {
  /// The file was no longer open with the same size and modification time (another process
  /// finished it, or it changed since it was read): nothing was written.
  case stale
  /// Marked done without an alert (`suppressed`: one was held back by the geofence policy).
  case done(suppressed: Bool)
  /// Marked done without an alert: every box that would have raised one is static
  /// (``StaticHistory``); `detections` of them.
  case heldBackAsStatic(detections: Int)
  /// Marked done and its alert created or updated.
  case alerted(alertID: String, created: Bool)
  case duplicate(of: Int64)
  /// An attempt failed; `final` when it was the last one.
  case attemptFailed(final: Bool)
}

/// The transactions that finish an image. Each one checks that the file's row is still open with
/// the size and modification time that were read, then writes everything that must agree: the
/// file's status, and for an alert the outbox row, the frame link and one delivery per sink. A
/// crash before the commit leaves the file open (it is read again on the next run); after it,
/// the file is never processed again. That is the exactly-once guarantee.
public struct ImageCommitter: Sendable {
  /// The sinks that get a delivery row for every new alert revision.
  public var sinks: [String]
  public var groupWindowSeconds: Double
  public var maxAttempts: Int
  public var retryDelaySeconds: Double
  /// Whether finished files are to be moved (their move is queued in the same transaction).
  public var moves: Bool
  /// When a box is static scenery, judged over each camera's history.
  public var staticRule = StaticRule.standard

  /// The static rule over the history, with events cut at the group window.
  public var staticHistory: StaticHistory {
    StaticHistory(rule: staticRule, gap: EventGap(seconds: groupWindowSeconds))
  }

  public init(
    sinks: [String], groupWindowSeconds: Double, maxAttempts: Int, retryDelaySeconds: Double,
    moves: Bool
  ) {
    self.sinks = sinks
    self.groupWindowSeconds = groupWindowSeconds
    self.maxAttempts = maxAttempts
    self.retryDelaySeconds = retryDelaySeconds
    self.moves = moves
  }

  /// The file as it was read: which row, and the identity that was observed and hashed.
  public struct ReadFile: Sendable {
    public var fileID: Int64
    public var size: Int64
    public var mtimeNanoseconds: Int64
    public var contentHash: String?
  }

  private func openRow(_ db: Database, _ file: ReadFile) throws -> InboxFile? {
    guard let row = try InboxFile.fetchOne(db, key: file.fileID), row.status.isOpen,
      row.size == file.size, row.mtimeNanoseconds == file.mtimeNanoseconds
    else { return nil }
    return row
  }

  /// Another finished file with the same content, if any.
  public func duplicateOf(_ db: Database, hash: String, excluding id: Int64) throws -> Int64? {
    try Int64.fetchOne(
      db,
      sql: """
        SELECT id FROM inbox_file WHERE content_hash = ? AND status = 'done' AND id != ?
        ORDER BY id LIMIT 1
        """, arguments: [hash, id])
  }

  /// Marks the file a duplicate of `original` (same content already processed).
  public func commitDuplicate(_ db: Database, _ file: ReadFile, of original: Int64, now: Date)
    throws -> CommitEffect
  {
    guard var row = try openRow(db, file) else { return .stale }
    row.status = .duplicate
    row.duplicateOf = original
    row.contentHash = file.contentHash
    row.finishedAt = now
    row.moveState = moves ? .pending : nil
    try row.update(db)
    return .duplicate(of: original)
  }

  /// Records a failed attempt: retried later, or failed for good after `maxAttempts`.
  public func commitFailure(_ db: Database, _ file: ReadFile, reason: String, now: Date) throws
    -> CommitEffect
  {
    guard var row = try openRow(db, file) else { return .stale }
    row.attempts += 1
    row.failureReason = reason
    row.contentHash = file.contentHash ?? row.contentHash
    let final = row.attempts >= maxAttempts
    if final {
      row.status = .failed
      row.finishedAt = now
      row.retryAt = nil
      row.moveState = moves ? .pending : nil
    } else {
      row.status = .retry
      row.retryAt = now.addingTimeInterval(retryDelaySeconds)
    }
    try row.update(db)
    return .attemptFailed(final: final)
  }

  /// Marks the file done and, when `decision` is an alert, adds the frame to its event's alert
  /// (a new one, or the open one of the same camera and label within the group window) and
  /// queues the new revision for every sink.
  public func commitDone(
    _ db: Database, _ file: ReadFile, detections: Int, decision: FrameDecision, now: Date
  ) throws -> CommitEffect {
    guard var row = try openRow(db, file) else { return .stale }
    row.status = .done
    row.attempts += 1
    row.contentHash = file.contentHash
    row.finishedAt = now
    row.failureReason = nil
    row.retryAt = nil
    row.detections = detections
    row.moveState = moves ? .pending : nil
    var effect = CommitEffect.done(suppressed: false)
    switch decision {
    case .none: break
    case .suppressed: effect = .done(suppressed: true)
    case .alert(let frame):
      let (alertID, created) = try addFrame(db, frame, fileID: file.fileID, now: now)
      row.alertID = alertID
      effect = .alerted(alertID: alertID, created: created)
    }
    try row.update(db)
    return effect
  }

  private func addFrame(_ db: Database, _ frame: FrameAlert, fileID: Int64, now: Date) throws
    -> (String, Bool)
  {
    var alert: OutboxAlert
    var created = false
    let bestRecord = JSONWriter.compact.string(AlertPayload.frameRecord(frame))
    // The frames of an event: the same rule as scan's --event-gap (``EventGap``).
    let window = EventGap(seconds: groupWindowSeconds).window(around: frame.frameTime)
    if groupWindowSeconds > 0,
      let open = try OutboxAlert.fetchOne(
        db,
        sql: """
          SELECT * FROM alert WHERE group_key = ? AND last_frame_time >= ? AND first_frame_time <= ?
          ORDER BY last_frame_time DESC LIMIT 1
          """,
        arguments: [frame.groupKey, window.lowerBound, window.upperBound])
    {
      alert = open
      alert.revision += 1
      alert.frameCount += 1
      alert.firstFrameTime = min(alert.firstFrameTime, frame.frameTime)
      alert.lastFrameTime = max(alert.lastFrameTime, frame.frameTime)
      if frame.record.bestConfidence > alert.bestConfidence {
        alert.bestFile = frame.record.file
        alert.bestConfidence = frame.record.bestConfidence
        alert.bestRecord = bestRecord
      }
      alert.inside = Self.merge(alert.inside, frame.place.inside)
      var areas = ((try? JSONParser.parse(alert.areas))?.arrayValue ?? []).compactMap(\.stringValue)
      for name in frame.place.areas where !areas.contains(name) { areas.append(name) }
      alert.areas = JSONWriter.compact.string(.array(areas.map { .string($0) }))
      alert.updatedAt = now
    } else {
      var id = frame.record.id
      // Same path, size, time and model as an earlier image but other content: keep ids unique.
      if try OutboxAlert.exists(db, key: id) { id += "-\(fileID)" }
      alert = OutboxAlert(
        id: id, groupKey: frame.groupKey, label: frame.label, revision: 1, frameCount: 1,
        firstFrameTime: frame.frameTime, lastFrameTime: frame.frameTime,
        bestFile: frame.record.file, bestConfidence: frame.record.bestConfidence,
        bestRecord: bestRecord, inside: frame.place.inside,
        areas: JSONWriter.compact.string(.array(frame.place.areas.map { .string($0) })),
        payload: "", createdAt: now, updatedAt: now)
      created = true
    }
    try alert.save(db)
    try AlertFrame(
      fileID: fileID, alertID: alert.id, file: frame.record.file, frameAlertID: frame.record.id,
      confidence: frame.record.bestConfidence, frameTime: frame.frameTime
    ).insert(db)
    let frames = try String.fetchAll(
      db,
      sql: "SELECT file FROM alert_frame WHERE alert_id = ? ORDER BY frame_time, file LIMIT 100",
      arguments: [alert.id])
    alert.payload = JSONWriter.compact.string(AlertPayload.build(alert: alert, frames: frames))
    try alert.update(db)
    for sink in sinks {
      if var delivery = try Delivery.fetchOne(db, key: ["alert_id": alert.id, "sink": sink]) {
        delivery.targetRevision = alert.revision
        if delivery.deliveredRevision < alert.revision { delivery.state = .pending }
        try delivery.update(db)
      } else {
        try Delivery(
          alertID: alert.id, sink: sink, targetRevision: alert.revision, deliveredRevision: 0,
          state: .pending, attempts: 0, queuedAt: now, deliveredAt: nil, lastStatus: nil,
          lastError: nil, remoteID: nil
        ).insert(db)
      }
    }
    return (alert.id, created)
  }

  /// Inside if any frame is; outside if every known one is; unknown if none is known.
  static func merge(_ a: Bool?, _ b: Bool?) -> Bool? {
    if a == true || b == true { return true }
    if a == false || b == false { return false }
    return nil
  }
}
