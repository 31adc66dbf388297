import Foundation

/// The moment after which a run stops waiting for receivers: a request still unanswered then is
/// abandoned (the alert stays in the outbox) and no new one starts. Shared between the delivery
/// tasks of a `--once` run, which start before the moment is known (it is set once the images
/// are processed).
public final class DeliveryCutoff: @unchecked Sendable {
  private let moment = NSLock()
  // Guarded by `moment`.
  private var date: Date?

  public init(_ date: Date? = nil) { self.date = date }

  /// Sets (or moves) the moment.
  public func set(_ date: Date) { moment.withLock { self.date = date } }

  /// Whether the moment is set and has come.
  public var hasPassed: Bool { moment.withLock { date.map { $0 <= Date() } ?? false } }
}
