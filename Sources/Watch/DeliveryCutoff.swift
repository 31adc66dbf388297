import Foundation
import Synchronization

/// The moment after which a run stops waiting for receivers: a request still unanswered then is
/// abandoned (the alert stays in the outbox) and no new one starts. Shared between the delivery
/// tasks of a `--once` run, which start before the moment is known (it is set once the images
/// are processed).
public final class DeliveryCutoff: Sendable {
  private let moment: Mutex<Date?>

  public init(_ date: Date? = nil) { moment = Mutex(date) }

  /// Sets (or moves) the moment.
  public func set(_ date: Date) { moment.withLock { $0 = date } }

  /// Whether the moment is set and has come.
  public var hasPassed: Bool { moment.withLock { $0.map { $0 <= Date() } ?? false } }
}
