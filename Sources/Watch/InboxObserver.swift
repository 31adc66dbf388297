import Foundation
import GRDB
import Pipeline

/// A file that is stable and due for processing.
public struct ReadyFile: Sendable {
  public var fileID: Int64
  public var file: CardFile
}

/// What one look at the inbox found.
public struct InboxObservation: Sendable {
  /// Image files in the inbox (temporary upload names not counted).
  public var seen = 0
  /// Stable, open and due: to be processed now.
  public var ready: [ReadyFile] = []
  /// Still changing, or not yet unchanged for the settle time.
  public var unstable = 0
  /// Failed before and waiting for their retry time.
  public var waitingRetry = 0
  /// The earliest time a settling file becomes stable, if it stays unchanged.
  public var nextSettled: Date?
  /// Files left alone because a symbolic link leads them outside the inbox: the relative path
  /// and the reason. They get no row, so they are never processed or moved.
  public var refused: [(path: String, reason: String)] = []
}

/// Walks the inbox and records what it sees: new files are inserted as settling, files whose
/// size or modification time changed start settling again, files unchanged for the settle time
/// become ready. Finished versions (same path, size and modification time) are left alone, and
/// open rows of files that disappeared (an aborted or renamed upload) are dropped. A file whose
/// real path (links resolved) is outside the inbox is refused (``InboxObservation/refused``).
public struct InboxObserver: Sendable {
  public var inbox: String
  public var settleSeconds: Double
  private let boundary: InboxBoundary

  public init(inbox: String, settleSeconds: Double) {
    self.inbox = inbox
    self.settleSeconds = settleSeconds
    boundary = InboxBoundary(inbox: inbox)
  }

  public func observe(store: WatchStore, now: Date) throws(WatchError) -> InboxObservation {
    let files: [CardFile]
    do {
      // Photos and video clips (a clip is one unit, scanned by sampling frames as `scan` does).
      files = try CardWalker(scansVideos: true).walk(root: inbox).files.filter {
        !UploadNames.isTemporary(relativePath: $0.relativePath)
          // A name the walk could not stat (it vanished or is a dangling link): not there.
          && !($0.size == 0 && $0.modifiedNanoseconds == 0)
      }
    } catch {
      // The walk refuses only a root it cannot read: its reason, not its sentence, which
      // would name the inbox a second time.
      guard case .inputUnreadable(_, let reason) = error else {
        throw .inboxUnreadable(path: inbox, reason: error.description)
      }
      throw .inboxUnreadable(path: inbox, reason: reason)
    }
    var inside: [CardFile] = []
    var refused: [(path: String, reason: String)] = []
    for file in files {
      // A name that cannot be resolved (it vanished meanwhile) is handled as before: reading
      // it fails, or the next look finds it gone.
      if case .failure(let refusal) = boundary.resolve(file.path), refusal.leavesInbox {
        refused.append((file.relativePath, refusal.reason))
      } else {
        inside.append(file)
      }
    }
    let settle = settleSeconds
    var observation = try store.write { db in
      var result = InboxObservation()
      var seenPaths = Set<String>()
      for file in inside {
        result.seen += 1
        seenPaths.insert(file.relativePath)
        let finished =
          try Bool.fetchOne(
            db,
            sql: """
              SELECT EXISTS (SELECT 1 FROM inbox_file WHERE path = ? AND size = ? AND mtime_ns = ?
                AND status NOT IN ('settling', 'retry'))
              """, arguments: [file.relativePath, file.size, file.modifiedNanoseconds]) ?? false
        if finished { continue }
        func settling(since: Date) {
          let due = since.addingTimeInterval(settle)
          result.unstable += 1
          result.nextSettled = min(result.nextSettled ?? due, due)
        }
        if var open = try InboxFile.filter(
          sql: "path = ? AND status IN ('settling', 'retry')", arguments: [file.relativePath]
        ).fetchOne(db) {
          if open.size != file.size || open.mtimeNanoseconds != file.modifiedNanoseconds {
            // Still being written (or replaced): start over.
            open.size = file.size
            open.mtimeNanoseconds = file.modifiedNanoseconds
            open.unchangedSince = now
            open.status = .settling
            open.attempts = 0
            open.retryAt = nil
            open.failureReason = nil
            open.contentHash = nil
            try open.update(db)
            settling(since: now)
          } else if open.status == .retry, let retryAt = open.retryAt, retryAt > now {
            result.waitingRetry += 1
          } else if now.timeIntervalSince(open.unchangedSince) >= settle {
            result.ready.append(ReadyFile(fileID: open.id!, file: file))
          } else {
            settling(since: open.unchangedSince)
          }
        } else {
          var row = InboxFile(
            path: file.relativePath, size: file.size, mtimeNanoseconds: file.modifiedNanoseconds,
            seenAt: now)
          try row.insert(db)
          if settle <= 0 {
            result.ready.append(ReadyFile(fileID: row.id!, file: file))
          } else {
            settling(since: now)
          }
        }
      }
      let openPaths = try String.fetchAll(
        db, sql: "SELECT path FROM inbox_file WHERE status IN ('settling', 'retry')")
      for path in openPaths where !seenPaths.contains(path) {
        try db.execute(
          sql: "DELETE FROM inbox_file WHERE path = ? AND status IN ('settling', 'retry')",
          arguments: [path])
      }
      return result
    }
    observation.refused = refused
    return observation
  }
}
