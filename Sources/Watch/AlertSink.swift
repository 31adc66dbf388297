/// One alert revision to send.
public struct PendingDelivery: Sendable {
  public var alertID: String
  public var revision: Int
  /// The revision's JSON (``AlertPayload``).
  public var payload: String
  /// The receiver's id for this alert from an earlier delivery (EarthRanger), if any.
  public var remoteID: String?
  /// The revision the sink acknowledged last (0: none).
  public var deliveredRevision: Int
}

/// How a delivery attempt ended.
public enum DeliveryResult: Sendable, Equatable {
  /// Acknowledged (2xx, or the line written and synced). `remoteID`: the receiver's id for the
  /// alert; `file`: the JSON Lines file and its length after the write.
  case delivered(status: Int?, remoteID: String?, file: FileCursor?)
  /// Worth trying again later: a network error, 5xx, 408 or 429 (`after`: its Retry-After).
  case retry(status: Int?, after: Double?, reason: String)
  /// Refused for good (other 4xx, or 3xx): recorded with the answer, not tried again.
  case rejected(status: Int, response: String)
}

/// Where alerts go. Sinks deliver from the outbox, one alert revision at a time, and say how it
/// went; the ``DeliveryWorker`` records that, and decides when to try again.
public protocol AlertSink: Sendable {
  /// `jsonl`, `webhook`, `earthranger`: the `sink` column of `delivery`.
  var name: String { get }
  /// Called before each round of deliveries with the sink's stored state (the JSON Lines sink
  /// uses it to cut lines that were written but never committed).
  func prepare(state: SinkState) throws(WatchError) -> SinkState
  func deliver(_ item: PendingDelivery) async -> DeliveryResult
  /// True for a sink that never waits for the network (the JSON Lines file): its attempts are
  /// not raced against the stop or the delivery cutoff. False unless a sink says so.
  var isLocal: Bool { get }
}

extension AlertSink {
  public func prepare(state: SinkState) throws(WatchError) -> SinkState { state }
  public var isLocal: Bool { false }
}
