import Formats
import LookoutCore

/// The alert rule: which images raise an alert and what the alert record says. `scan` (through
/// ``ScanOutputs/alert(for:context:)``) and `watch` (`FrameAlertBuilder`) both decide with it,
/// so the same image at the same place raises the same alert in either.
///
/// An image alerts when any of its people or vehicles reach the thresholds in force for its
/// site (``LookoutCore/ClassThresholds/resolved(defaults:site:)``: ``defaults``, then
/// ``overrides``' classes, then the site's own). The record holds its id (``AlertID``), boxes
/// and capture time (with the deployment's UTC offset when the camera recorded none); site and
/// camera, position and altitude from the image's ``ImagePlace``, rounded; and the first
/// protected area the position is in.
public struct AlertRule: Sendable {
  /// Part of each alert's id and record.
  public var modelVersion: String
  /// The class thresholds the per-site ones are resolved over: the model's defaults with the
  /// config file's classes and any `--threshold`.
  public var defaults: AlertThresholds
  /// Thresholds over ``defaults``, per class and per site.
  public var overrides: ClassThresholds

  public init(modelVersion: String, defaults: AlertThresholds, overrides: ClassThresholds) {
    self.modelVersion = modelVersion
    self.defaults = defaults
    self.overrides = overrides
  }

  /// The class thresholds in force at `place`: ``defaults`` with ``overrides`` for its site.
  public func thresholds(at place: ImagePlace) -> AlertThresholds {
    overrides.resolved(defaults: defaults, site: place.site)
  }

  /// The alert the image raises at `place`, or nil when it was not processed or nothing in it
  /// reaches its threshold.
  public func alert(for outcome: ImageOutcome, at place: ImagePlace) -> AlertRecord? {
    guard let detections = outcome.detections else { return nil }
    let thresholds = self.thresholds(at: place)
    let boxes = detections.compactMap { detection -> AlertBox? in
      guard let c = detection.detectionClass, c.raisesAlerts,
        detection.confidence >= thresholds.threshold(for: c)
      else { return nil }
      return AlertBox(
        label: c.name, confidence: Double(detection.confidence),
        bbox: detection.box.map(Double.init))
    }
    guard !boxes.isEmpty else { return nil }
    let seconds = outcome.modifiedNanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
    var record = AlertRecord(
      id: AlertID.make(
        modelVersion: modelVersion, relativePath: outcome.file, fileSize: UInt64(outcome.size),
        modificationSeconds: seconds.quotient, modificationNanoseconds: Int(seconds.remainder)),
      file: outcome.file, boxes: boxes,
      capturedAt: ScanOutputs.capturedAt(outcome, place: place),
      camera: place.camera,
      site: place.site, latitude: place.point.map { ScanOutputs.coordinate($0.latitude) },
      longitude: place.point.map { ScanOutputs.coordinate($0.longitude) },
      altitude: place.altitude.map(ScanOutputs.metres), insideArea: place.areas.first,
      modelVersion: modelVersion,
      thresholds: [
        "person": ScanOutputs.decimal(thresholds.person),
        "vehicle": ScanOutputs.decimal(thresholds.vehicle),
      ])
    // A clip: the frame of its best alerting box (the first such frame on a tie).
    if let rate = outcome.frameRate, rate > 0 {
      let alerting = detections.filter { detection in
        guard let c = detection.detectionClass, c.raisesAlerts else { return false }
        return detection.confidence >= thresholds.threshold(for: c)
      }
      if let best = alerting.max(by: {
        $0.confidence != $1.confidence
          ? $0.confidence < $1.confidence : ($0.frameNumber ?? 0) > ($1.frameNumber ?? 0)
      }), let frame = best.frameNumber {
        record.videoFrameNumber = frame
        record.videoOffsetSeconds = Double(frame) / rate
      }
    }
    return record
  }
}
