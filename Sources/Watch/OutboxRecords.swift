import Foundation
import GRDB

/// An alert in the outbox (a row of `alert`): one event of one or more frames.
public struct OutboxAlert: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
  public static let databaseTableName = "alert"

  /// The id of the event: the ``Formats/AlertID`` of its first frame.
  public var id: String
  /// Camera (or deployment, or folder) and label: frames with the same key group together.
  public var groupKey: String
  /// `person` or `vehicle`.
  public var label: String
  /// 1 when created, +1 with every frame added.
  public var revision: Int
  public var frameCount: Int
  /// Frame times in seconds (capture time by the camera's clock, else modification time).
  public var firstFrameTime: Double
  public var lastFrameTime: Double
  public var bestFile: String
  public var bestConfidence: Double
  /// The best frame's alert record as JSON (``Formats/AlertEncoding/jsonValue(_:)``).
  public var bestRecord: String
  /// Whether any frame is inside a protected area (nil: no frame's location is known, or no
  /// areas are configured).
  public var inside: Bool?
  /// JSON array of the protected areas the frames are in.
  public var areas: String
  /// The JSON sent for the current revision.
  public var payload: String
  public var createdAt: Date
  public var updatedAt: Date

  enum CodingKeys: String, CodingKey {
    case id, groupKey = "group_key", label, revision, frameCount = "frame_count"
    case firstFrameTime = "first_frame_time", lastFrameTime = "last_frame_time"
    case bestFile = "best_file", bestConfidence = "best_confidence", bestRecord = "best_record"
    case inside, areas, payload, createdAt = "created_at", updatedAt = "updated_at"
  }
}

/// Which alert an image belongs to (a row of `alert_frame`; an image belongs to at most one).
public struct AlertFrame: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
  public static let databaseTableName = "alert_frame"

  public var fileID: Int64
  public var alertID: String
  public var file: String
  /// The image's own alert id (``Formats/AlertID``).
  public var frameAlertID: String
  public var confidence: Double
  public var frameTime: Double

  enum CodingKeys: String, CodingKey {
    case fileID = "file_id", alertID = "alert_id", file, frameAlertID = "frame_alert_id"
    case confidence, frameTime = "frame_time"
  }
}

/// Where one alert stands with one sink.
public enum DeliveryState: String, Codable, Sendable {
  /// The sink has not yet acknowledged the alert's current revision.
  case pending
  case delivered
  /// The receiver refused it with a 4xx answer (kept in `last_status` and `last_error`).
  case rejected
}

/// One alert's delivery to one sink (a row of `delivery`).
public struct Delivery: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
  public static let databaseTableName = "delivery"

  public var alertID: String
  public var sink: String
  /// The alert revision to deliver.
  public var targetRevision: Int
  /// The last revision the sink acknowledged (0: none).
  public var deliveredRevision: Int
  public var state: DeliveryState
  public var attempts: Int
  public var queuedAt: Date
  public var deliveredAt: Date?
  public var lastStatus: Int?
  /// The last error or refused answer (tokens redacted).
  public var lastError: String?
  /// The receiver's id for the event (EarthRanger's event id), for updates.
  public var remoteID: String?

  enum CodingKeys: String, CodingKey {
    case alertID = "alert_id", sink, targetRevision = "target_revision"
    case deliveredRevision = "delivered_revision", state, attempts, queuedAt = "queued_at"
    case deliveredAt = "delivered_at", lastStatus = "last_status", lastError = "last_error"
    case remoteID = "remote_id"
  }
}

/// A sink's health and, for the JSON Lines file, its committed length (a row of `sink_state`).
public struct SinkState: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
  public static let databaseTableName = "sink_state"

  public var sink: String
  public var consecutiveFailures: Int
  /// No delivery is tried before this time (backoff, or the receiver's Retry-After).
  public var pausedUntil: Date?
  public var lastError: String?
  /// JSON Lines sink: the file's inode and the length covered by committed deliveries.
  public var fileInode: Int64?
  public var fileBytes: Int64?

  enum CodingKeys: String, CodingKey {
    case sink, consecutiveFailures = "consecutive_failures", pausedUntil = "paused_until"
    case lastError = "last_error", fileInode = "file_inode", fileBytes = "file_bytes"
  }

  public init(sink: String) {
    self.sink = sink
    consecutiveFailures = 0
  }
}
