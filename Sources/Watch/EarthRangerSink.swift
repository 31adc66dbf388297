import AsyncHTTPClient
import Formats
import Foundation
import LookoutCore
import NIOHTTP1

/// EarthRanger's events API: the first revision of an alert is POSTed to
/// `<url>/api/v1.0/activity/events/` and the event id from the answer (`data.id`) is kept;
/// later revisions PATCH `<url>/api/v1.0/activity/event/<id>/`, so a burst updates one event
/// (frame count, best frame, priority) instead of raising many. Authorization is a Bearer token.
///
/// The event: `event_type` (configurable), `title` ("Person at river-camp/cam03", with the frame
/// count), `time` (the capture time with its UTC offset, from the camera, the deployment or the
/// configured camera offset; else the alert's creation time in UTC), `priority` (by label;
/// 100 when the position is known to be outside every protected area), `location` when known,
/// and `event_details`: file, camera, site, label, confidence, model, frame_count, alert_id,
/// idempotency_key, inside_protected_area, protected_area, captured_at.
public struct EarthRangerSink: AlertSink {
  public let name = "earthranger"
  public let settings: EarthRangerSettings
  private let token: String
  private let sender: HTTPSender

  public init(settings: EarthRangerSettings, token: String, sender: HTTPSender) {
    self.settings = settings
    self.token = token
    self.sender = sender
  }

  private var base: String {
    var url = settings.url
    while url.hasSuffix("/") { url.removeLast() }
    return url
  }

  public func deliver(_ item: PendingDelivery) async -> DeliveryResult {
    guard let payload = try? JSONParser.parse(item.payload) else {
      return .rejected(status: 0, response: "the stored alert payload is not JSON")
    }
    let headers = [
      ("Authorization", "Bearer \(token)"),
      ("Idempotency-Key", AlertPayload.idempotencyKey(item.alertID, item.revision)),
    ]
    if let remote = item.remoteID {
      let body = event(payload, creating: false)
      return await sender.send(
        method: .PATCH, url: "\(base)/api/v1.0/activity/event/\(remote)/", headers: headers,
        body: JSONWriter.compact.bytes(body)
      ).result
    }
    let (result, answer) = await sender.send(
      method: .POST, url: "\(base)/api/v1.0/activity/events/", headers: headers,
      body: JSONWriter.compact.bytes(event(payload, creating: true)))
    guard case .delivered(let status, _, _) = result else { return result }
    let parsed = try? JSONParser.parse(answer)
    let id = parsed?["data"]?["id"]?.stringValue ?? parsed?["id"]?.stringValue
    return .delivered(status: status, remoteID: id, file: nil)
  }

  /// The event body for an alert payload.
  func event(_ payload: JSONValue, creating: Bool) -> JSONValue {
    let label = payload["best_label"]?.stringValue ?? "person"
    let camera = payload["camera"]?.stringValue
    let site = payload["site"]?.stringValue
    let frames = payload["frame_count"]?.intValue ?? 1
    let place = [site, camera].compactMap { $0 }.joined(separator: "/")
    var title = label.prefix(1).uppercased() + label.dropFirst()
    if !place.isEmpty { title += " at \(place)" }
    if frames > 1 { title += " (\(frames) frames)" }
    let inside = payload["inside_protected_area"]?.boolValue
    var priority = settings.priorities[label] ?? 200
    if inside == false { priority = 100 }
    var members: [(String, JSONValue)] = [
      ("event_type", .string(settings.eventType)),
      ("title", .string(title)),
      ("priority", .integer(priority)),
    ]
    if creating {
      members.append(("time", .string(Self.eventTime(payload))))
      members.append(("state", .string("new")))
    }
    if let lat = payload["latitude"]?.doubleValue, let lon = payload["longitude"]?.doubleValue {
      members.append(
        ("location", .object([("latitude", .number(lat)), ("longitude", .number(lon))])))
    }
    members.append(
      (
        "event_details",
        .object([
          ("file", payload["file"] ?? .null),
          ("camera", payload["camera"] ?? .null),
          ("site", payload["site"] ?? .null),
          ("label", .string(label)),
          ("confidence", payload["best_confidence"] ?? .null),
          ("model", payload["model_version"] ?? .null),
          ("frame_count", .integer(frames)),
          ("alert_id", payload["id"] ?? .null),
          ("idempotency_key", payload["idempotency_key"] ?? .null),
          ("inside_protected_area", payload["inside_protected_area"] ?? .null),
          ("protected_area", payload["inside_area"] ?? .null),
          ("captured_at", payload["captured_at"] ?? .null),
        ])
      ))
    return .object(members)
  }

  /// The capture time when it has an offset (`2024-05-01T06:12:33+03:00`), else the alert's
  /// creation time in UTC.
  static func eventTime(_ payload: JSONValue) -> String {
    if let captured = payload["captured_at"]?.stringValue, captured.utf8.count > 19 {
      return captured
    }
    return payload["created_at"]?.stringValue ?? Timestamp.iso8601UTC(Date())
  }
}
