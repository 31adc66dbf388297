import Foundation
import Pipeline

/// What happened to one ready file.
public enum ProcessingResult: Sendable, Equatable {
  case committed(CommitEffect)
  /// It changed while being read: left open, to settle again.
  case changed
}

/// Processes one ready file on one worker: hash, skip duplicates, scan, check that the file did
/// not change meanwhile, commit. Nothing is written before the commit, so a crash anywhere here
/// only means the file is read again on the next run.
public final class FileProcessor {
  private let producer: any ImageOutcomeProducing
  private let store: WatchStore
  private let committer: ImageCommitter
  private let builder: FrameAlertBuilder
  private let boundary: InboxBoundary?

  /// - Parameter inbox: when given, a file is read through its real path, and only when that
  ///   is still inside the inbox (a link swapped in after the file was observed is not
  ///   followed out).
  public init(
    producer: any ImageOutcomeProducing, store: WatchStore, committer: ImageCommitter,
    builder: FrameAlertBuilder, inbox: String? = nil
  ) {
    self.producer = producer
    self.store = store
    self.committer = committer
    self.builder = builder
    boundary = inbox.map(InboxBoundary.init(inbox:))
  }

  public func process(_ ready: ReadyFile) throws(WatchError) -> ProcessingResult {
    var file = ready.file
    var resolved = false
    switch boundary?.resolve(file.path) {
    case .success(let real):
      file.path = real
      resolved = true
    case .failure(let refusal) where refusal.leavesInbox:
      // Left open: the next look at the inbox refuses it (and so drops its row).
      return .changed
    default:
      // Not resolvable (it vanished): reading it fails with the reason, as before.
      break
    }
    var read = ImageCommitter.ReadFile(
      fileID: ready.fileID, size: file.size, mtimeNanoseconds: file.modifiedNanoseconds,
      contentHash: nil)
    let committer = self.committer
    let hash: (hex: String, bytes: Int64)
    do {
      hash = try ContentHash.of(path: file.path, followingLinks: !resolved)
    } catch {
      let reason = "unreadable: \(error.reason)"
      let snapshot = read
      return .committed(
        try store.write { db in
          try committer.commitFailure(db, snapshot, reason: reason, now: Date())
        })
    }
    guard hash.bytes == file.size, unchanged(file) else { return .changed }
    read.contentHash = hash.hex
    let hashed = read
    if let original = try store.read({ db in
      try committer.duplicateOf(db, hash: hash.hex, excluding: hashed.fileID)
    }) {
      return .committed(
        try store.write { db in
          try committer.commitDuplicate(db, hashed, of: original, now: Date())
        })
    }
    let outcome = producer.outcome(for: file)
    guard unchanged(file) else { return .changed }
    if outcome.failed {
      let reason = "\(outcome.failureCode ?? "failed"): \(outcome.failureReason ?? "unknown")"
      return .committed(
        try store.write { db in
          try committer.commitFailure(db, hashed, reason: reason, now: Date())
        })
    }
    let decision = builder.decide(outcome)
    let detections = outcome.detections?.count ?? 0
    return .committed(
      try store.write { db in
        // A file with the same content may have been finished by another worker meanwhile.
        if let original = try committer.duplicateOf(db, hash: hash.hex, excluding: hashed.fileID) {
          return try committer.commitDuplicate(db, hashed, of: original, now: Date())
        }
        // The static rule, over the camera's history: only a frame that would alert is checked
        // (and its boxes kept in the history).
        var decision = decision
        var statics = 0
        if case .none = decision {
        } else {
          let candidates = builder.staticBoxes(outcome)
          let found = try committer.staticHistory.record(
            db, camera: candidates.camera, frameTime: candidates.frameTime,
            fileID: hashed.fileID, boxes: candidates.boxes)
          if !found.isEmpty {
            statics = found.count
            decision = builder.decide(outcome, excluding: found)
          }
        }
        let effect = try committer.commitDone(
          db, hashed, detections: detections, decision: decision, now: Date())
        if statics > 0, case .done = effect { return .heldBackAsStatic(detections: statics) }
        return effect
      })
  }

  /// Whether the file still has the size and modification time it was observed with.
  private func unchanged(_ file: CardFile) -> Bool {
    FileStat.of(bytes: file.path).map {
      $0.size == file.size && $0.mtimeNanoseconds == file.modifiedNanoseconds
    } ?? false
  }
}
