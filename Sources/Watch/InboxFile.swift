import Foundation
import GRDB

/// Where an inbox file is in its life.
public enum InboxFileStatus: String, Codable, Sendable, CaseIterable {
  /// Seen, waiting for its size and modification time to stay unchanged for the settle time.
  case settling
  /// An attempt failed (unreadable, undecodable); tried again after the retry delay.
  case retry
  /// Processed: its alert, if any, is in the outbox.
  case done
  /// Every attempt failed; `failure_reason` says why.
  case failed
  /// Same content as a file already processed (`duplicate_of`); not processed again.
  case duplicate

  /// Whether the file still waits to be processed.
  public var isOpen: Bool { self == .settling || self == .retry }
}

/// Where a finished file is in its move to `--move-processed`.
public enum MoveState: String, Codable, Sendable {
  /// Recorded with the file's final status, not yet done.
  case pending
  case moved
  /// The file had disappeared from the inbox before it could be moved.
  case missing
}

/// One version of one inbox file (a row of `inbox_file`). A plain record: the watcher's logic
/// decides what to write, in transactions.
public struct InboxFile: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
  public static let databaseTableName = "inbox_file"

  public var id: Int64?
  /// Path relative to the inbox, `/` separators.
  public var path: String
  public var size: Int64
  public var mtimeNanoseconds: Int64
  /// SHA-256 of the content (hex), set when the file is read for processing.
  public var contentHash: String?
  public var status: InboxFileStatus
  public var attempts: Int
  public var firstSeenAt: Date
  /// When the current size and modification time were first observed.
  public var unchangedSince: Date
  public var retryAt: Date?
  public var finishedAt: Date?
  public var failureReason: String?
  public var duplicateOf: Int64?
  /// The alert this image was added to, if it raised one.
  public var alertID: String?
  /// Detections kept (at or above the minimum confidence), for done files.
  public var detections: Int?
  public var moveState: MoveState?
  public var movedTo: String?

  enum CodingKeys: String, CodingKey {
    case id, path, size, mtimeNanoseconds = "mtime_ns", contentHash = "content_hash", status
    case attempts, firstSeenAt = "first_seen_at", unchangedSince = "unchanged_since"
    case retryAt = "retry_at", finishedAt = "finished_at", failureReason = "failure_reason"
    case duplicateOf = "duplicate_of", alertID = "alert_id", detections
    case moveState = "move_state", movedTo = "moved_to"
  }

  public init(path: String, size: Int64, mtimeNanoseconds: Int64, seenAt: Date) {
    self.path = path
    self.size = size
    self.mtimeNanoseconds = mtimeNanoseconds
    status = .settling
    attempts = 0
    firstSeenAt = seenAt
    unchangedSince = seenAt
  }

  public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
