import Foundation
import Formats

/// What one pass did, for the one-line summary on stderr and `--json` on stdout.
public struct PassSummary: Sendable, Equatable {
  /// Image files in the inbox (temporary upload names not counted).
  public var seen = 0
  /// Images processed to the end in this pass (with or without an alert).
  public var processed = 0
  /// Skipped because still changing (or not yet unchanged for the settle time).
  public var unstable = 0
  /// Images that failed their last attempt in this pass (recorded as failed, with the reason).
  public var failed = 0
  /// Images whose attempt failed and that will be tried again.
  public var retrying = 0
  /// Images whose content was already processed under another name or version.
  public var duplicates = 0
  public var alertsNew = 0
  /// Frames added to an open alert (a follow-up revision, not a new alert).
  public var alertsUpdated = 0
  /// Detections held back by the geofence policy.
  public var alertsSuppressed = 0
  /// Frames that raised no alert because every box that would have is static scenery
  /// (``StaticHistory``), and those boxes.
  public var heldBackAsStatic = 0
  public var staticDetections = 0
  /// Alert revisions acknowledged by a sink (each sink counts).
  public var alertsDelivered = 0
  /// Revisions refused by a receiver for good in this pass.
  public var deliveriesRejected = 0
  /// Revisions still waiting for a sink after the pass.
  public var deliveriesPending = 0
  /// Finished files moved to `--move-processed`.
  public var moved = 0
  public var seconds = 0.0

  public init() {}

  /// `watch: 12 seen, 5 processed, 1 unstable, 0 failed, ...`.
  public func line() -> String {
    var parts = [
      "\(seen) seen", "\(processed) processed", "\(unstable) unstable", "\(failed) failed",
    ]
    if retrying > 0 { parts.append("\(retrying) to retry") }
    if duplicates > 0 { parts.append("\(duplicates) duplicate") }
    parts.append("\(alertsNew) new alerts")
    if alertsUpdated > 0 { parts.append("\(alertsUpdated) follow-ups") }
    if alertsSuppressed > 0 { parts.append("\(alertsSuppressed) outside areas") }
    if heldBackAsStatic > 0 {
      parts.append(
        "\(heldBackAsStatic) held back as static (\(staticDetections) detections; --keep-static)")
    }
    parts.append("\(alertsDelivered) delivered")
    if deliveriesPending > 0 { parts.append("\(deliveriesPending) pending") }
    if deliveriesRejected > 0 { parts.append("\(deliveriesRejected) rejected") }
    if moved > 0 { parts.append("\(moved) moved") }
    return "watch: " + parts.joined(separator: ", ") + String(format: " (%.1f s)", seconds)
  }

  /// The same counts as one JSON object (snake_case keys).
  public func json() -> JSONValue {
    .object([
      ("seen", .integer(seen)),
      ("processed", .integer(processed)),
      ("unstable", .integer(unstable)),
      ("failed", .integer(failed)),
      ("retrying", .integer(retrying)),
      ("duplicates", .integer(duplicates)),
      ("alerts_new", .integer(alertsNew)),
      ("alerts_updated", .integer(alertsUpdated)),
      ("alerts_suppressed", .integer(alertsSuppressed)),
      ("held_back_as_static", .integer(heldBackAsStatic)),
      ("static_detections", .integer(staticDetections)),
      ("alerts_delivered", .integer(alertsDelivered)),
      ("deliveries_rejected", .integer(deliveriesRejected)),
      ("deliveries_pending", .integer(deliveriesPending)),
      ("moved", .integer(moved)),
      ("seconds", .number((seconds * 1000).rounded() / 1000)),
    ])
  }
}
