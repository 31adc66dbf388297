import Formats
import Foundation
import LookoutCore

/// The JSON of an alert revision: what alerts.jsonl holds and the webhook receives.
///
/// It is the best frame's alert record (the members of alerts.jsonl as `lookout scan` writes
/// them, see ALERTS.md, with `id` the event's id), followed by:
///
/// | member | meaning |
/// |---|---|
/// | `best_frame_id` | the best frame's own alert id |
/// | `location_source` | `"exif"`, `"deployment"` or null |
/// | `deployment` | the deployment id, or null |
/// | `revision` | 1 for a new alert, +1 for each frame added since |
/// | `event` | `"alert.created"` (revision 1) or `"alert.updated"` |
/// | `idempotency_key` | `<id>:<revision>`: the same for every resend of this revision |
/// | `frame_count` | frames in the event so far |
/// | `frames` | their files, in camera-time order (the first 100) |
/// | `inside_protected_area` | true when a frame is inside a protected area, false when every known position is outside, null when unknown |
/// | `protected_areas` | the areas the frames are in |
/// | `group_key` | what grouped the frames: deployment, site and camera, or folder, and label |
/// | `created_at`, `updated_at` | when the alert was created and last updated (UTC) |
public enum AlertPayload {
  /// The frame's record plus where it is, as stored in `alert.best_record`.
  static func frameRecord(_ frame: FrameAlert) -> JSONValue {
    guard case .object(var members) = AlertEncoding.jsonValue(frame.record) else {
      preconditionFailure("an alert record encodes as an object")
    }
    members.append(("location_source", .nullable(frame.place.source?.rawValue)))
    members.append(("deployment", .nullable(frame.place.deployment?.deploymentID)))
    return .object(members)
  }

  /// The payload of `alert`'s current revision.
  static func build(alert: OutboxAlert, frames: [String]) -> JSONValue {
    var members: [(String, JSONValue)] = []
    var bestID: JSONValue = .null
    if let record = try? JSONParser.parse(alert.bestRecord), let fields = record.objectMembers {
      for (key, value) in fields {
        if key == "id" {
          bestID = value
          members.append(("id", .string(alert.id)))
        } else {
          members.append((key, value))
        }
      }
    }
    let areas = (try? JSONParser.parse(alert.areas))?.arrayValue ?? []
    members.append(("best_frame_id", bestID))
    members.append(("revision", .integer(alert.revision)))
    members.append(("event", .string(alert.revision == 1 ? "alert.created" : "alert.updated")))
    members.append(("idempotency_key", .string(idempotencyKey(alert.id, alert.revision))))
    members.append(("frame_count", .integer(alert.frameCount)))
    members.append(("frames", .array(frames.map { .string($0) })))
    members.append(("inside_protected_area", alert.inside.map { .bool($0) } ?? .null))
    members.append(("protected_areas", .array(areas)))
    members.append(("group_key", .string(alert.groupKey)))
    members.append(("created_at", .string(Timestamp.iso8601UTC(alert.createdAt))))
    members.append(("updated_at", .string(Timestamp.iso8601UTC(alert.updatedAt))))
    return .object(members)
  }

  /// `<alert id>:<revision>`: receivers drop a request whose key they have already seen.
  public static func idempotencyKey(_ alertID: String, _ revision: Int) -> String {
    "\(alertID):\(revision)"
  }
}
