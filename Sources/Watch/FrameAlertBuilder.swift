import Foundation
import Formats
import LookoutCore
import Pipeline

/// What one processed image contributes to the outbox.
public struct FrameAlert: Sendable {
  /// The image's own alert record, with its place filled in (`inside_area`, position), as scan
  /// writes it, and its capture time with an offset when the camera's is known.
  public var record: AlertRecord
  /// `person` when a person reached its threshold, else `vehicle`.
  public var label: String
  /// Frames with the same key may be grouped: the deployment, else site and camera, else folder.
  public var groupKey: String
  /// Seconds on the camera's clock (capture time, else modification time).
  public var frameTime: Double
  public var place: ImagePlace
}

/// The alert decision for one image, with why an alert was held back.
public enum FrameDecision: Sendable {
  /// Nothing reached an alert threshold.
  case none
  /// Something did, but the geofence policy holds it back (outside, or unknown location).
  case suppressed(FrameAlert)
  case alert(FrameAlert)
}

/// Turns an outcome into a ``FrameDecision``: the image's place (``Pipeline/ImageLocator``) and
/// `scan`'s own alert rule (``Pipeline/AlertRule``: the thresholds in force for its site), then
/// the capture time's offset and the geofence policy.
public struct FrameAlertBuilder: Sendable {
  public var modelName: String
  public var modelVersion: String
  public var defaults: AlertThresholds
  /// Thresholds over ``defaults``, per class and per site.
  public var overrides: ClassThresholds
  public var locator: ImageLocator
  public var policy: GeofencePolicy
  /// For alert times: the offset of cameras that record none.
  public var cameraUTCOffsetMinutes: Int?

  public init(
    modelName: String, modelVersion: String, defaults: AlertThresholds,
    overrides: ClassThresholds, locator: ImageLocator, policy: GeofencePolicy,
    cameraUTCOffsetMinutes: Int? = nil
  ) {
    self.modelName = modelName
    self.modelVersion = modelVersion
    self.defaults = defaults
    self.overrides = overrides
    self.locator = locator
    self.policy = policy
    self.cameraUTCOffsetMinutes = cameraUTCOffsetMinutes
  }

  private var rule: AlertRule {
    AlertRule(modelVersion: modelVersion, defaults: defaults, overrides: overrides)
  }

  /// The decision for `outcome` without its detections at the indices in `excluded` (those
  /// held back as static).
  public func decide(_ outcome: ImageOutcome, excluding excluded: Set<Int> = []) -> FrameDecision {
    guard let detections = outcome.detections else { return .none }
    var outcome = outcome
    if !excluded.isEmpty {
      outcome.detections = detections.enumerated().filter { !excluded.contains($0.offset) }
        .map(\.element)
    }
    let place = locator.place(relativePath: outcome.file, outcome: outcome)
    guard var record = rule.alert(for: outcome, at: place) else { return .none }
    // The rule gave the camera's own offset, else the deployment's; cameras with neither get
    // the watch-wide setting.
    if let captured = outcome.capturedLocal, outcome.capturedOffset == nil,
      place.deployment?.timezoneOffsetMinutes == nil, let minutes = cameraUTCOffsetMinutes
    {
      record.capturedAt = captured + Timestamp.offsetText(minutes: minutes)
    }
    let label = record.labels.contains("person") ? "person" : "vehicle"
    let source = Self.camera(outcome, place: place)
    let frameTime = Self.frameTime(outcome)
    let frame = FrameAlert(
      record: record, label: label, groupKey: "\(source)|\(label)", frameTime: frameTime,
      place: place)
    switch policy {
    case .all: return .alert(frame)
    case .inside: return place.inside == true ? .alert(frame) : .suppressed(frame)
    case .insideOrUnknown: return place.inside == false ? .suppressed(frame) : .alert(frame)
    }
  }

  /// The boxes the static rule looks at (those of alerting classes at the thresholds in force
  /// at the image's place, with their index in the outcome), and the image's camera and time.
  public func staticBoxes(_ outcome: ImageOutcome) -> (
    camera: String, frameTime: Double, boxes: [StaticHistory.Box]
  ) {
    let place = locator.place(relativePath: outcome.file, outcome: outcome)
    let thresholds = rule.thresholds(at: place)
    var boxes: [StaticHistory.Box] = []
    for (index, detection) in (outcome.detections ?? []).enumerated() {
      guard let c = detection.detectionClass, c.raisesAlerts,
        detection.confidence >= thresholds.threshold(for: c)
      else { continue }
      boxes.append(StaticHistory.Box(index: index, classIndex: c.index, box: detection.box))
    }
    return (Self.camera(outcome, place: place), Self.frameTime(outcome), boxes)
  }

  /// The camera frames are grouped by: the deployment, else site and camera, else folder.
  static func camera(_ outcome: ImageOutcome, place: ImagePlace) -> String {
    if let deployment = place.deployment { return "deployment:\(deployment.deploymentID)" }
    if place.site != nil || place.camera != nil {
      return "camera:\(place.site ?? "")/\(place.camera ?? "")"
    }
    let folder = outcome.file.split(separator: "/").dropLast().joined(separator: "/")
    return "folder:\(folder)"
  }

  /// Seconds on the camera's clock: the capture time, else the modification time.
  static func frameTime(_ outcome: ImageOutcome) -> Double {
    outcome.capturedLocal.flatMap(CameraClock.seconds)
      ?? Double(outcome.modifiedNanoseconds) / 1e9
  }
}

/// Camera-local times as seconds, for comparing the frames of one camera.
enum CameraClock {
  /// Seconds since 1970 of `YYYY-MM-DDTHH:MM:SS` read as if it were UTC (only differences
  /// between frames of the same camera matter).
  static func seconds(_ text: String) -> Double? {
    let b = Array(text.utf8)
    guard b.count >= 19 else { return nil }
    func n(_ r: Range<Int>) -> Int? {
      var v = 0
      for i in r {
        guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
        v = v * 10 + Int(b[i] - 0x30)
      }
      return v
    }
    guard let y = n(0..<4), let mo = n(5..<7), let d = n(8..<10), let h = n(11..<13),
      let mi = n(14..<16), let s = n(17..<19), (1...12).contains(mo)
    else { return nil }
    // Days from civil (proleptic Gregorian).
    let yy = mo <= 2 ? y - 1 : y
    let era = (yy >= 0 ? yy : yy - 399) / 400
    let yoe = yy - era * 400
    let mp = (mo + 9) % 12
    let doy = (153 * mp + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    let days = era * 146_097 + doe - 719_468
    return Double(days * 86_400 + h * 3600 + mi * 60 + s)
  }
}
