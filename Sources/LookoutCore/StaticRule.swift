/// When a detection is static scenery (a stump, a rock, a post that the network takes for a
/// person) rather than something that came past the camera: a box that recurs at the same place
/// at the same camera, in at least ``minImages`` images spread over at least ``minEvents``
/// distinct events. `scan`, `rethreshold`, `merge` and `watch` all decide with it; a static
/// detection is marked, counted as held back, and raises no alert.
///
/// "The same place" is an intersection over union of at least ``minIoU`` with a box of the
/// same class. Only boxes that reach their class's alert threshold (at their image's site) are
/// considered, so a static detection is always one that would otherwise have alerted.
///
/// The defaults (10 images, 5 events, IoU 0.8) never hide a person who stands still through one
/// burst (one event), nor one who comes back to the same spot on two days, or three (at most
/// three events): only a box boxed nearly identically (IoU 0.8 is a shift of about a tenth of
/// the box) in five separate bursts, each more than the event gap from the last, is held back.
/// `--keep-static` (``off``) turns the rule off.
public struct StaticRule: Sendable, Equatable {
  /// Whether the rule applies; false with `--keep-static`.
  public var isEnabled: Bool
  /// K: the fewest images the box must recur in.
  public var minImages: Int
  /// M: the fewest distinct events of its camera those images must span.
  public var minEvents: Int
  /// The intersection over union at or above which two boxes are at the same place.
  public var minIoU: Double

  public static let defaultMinImages = 10
  public static let defaultMinEvents = 5
  public static let defaultMinIoU = 0.8

  public init(
    minImages: Int = StaticRule.defaultMinImages, minEvents: Int = StaticRule.defaultMinEvents,
    minIoU: Double = StaticRule.defaultMinIoU, isEnabled: Bool = true
  ) {
    self.isEnabled = isEnabled
    self.minImages = minImages
    self.minEvents = minEvents
    self.minIoU = minIoU
  }

  /// The rule with its defaults.
  public static let standard = StaticRule()

  /// No detection is static (`--keep-static`).
  public static let off = StaticRule(isEnabled: false)

  /// The intersection over union of two `[x, y, width, height]` boxes (0 when either is empty).
  public static func iou(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == 4, b.count == 4 else { return 0 }
    let w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    let h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    guard w > 0, h > 0 else { return 0 }
    let intersection = w * h
    let union = a[2] * a[3] + b[2] * b[3] - intersection
    return union > 0 ? intersection / union : 0
  }

  /// The rule as the options that give it: `--keep-static`, or
  /// `--static-min-images 10 --static-min-events 5 --static-iou 0.8`.
  public var flags: String {
    guard isEnabled else { return "--keep-static" }
    return "--static-min-images \(minImages) --static-min-events \(minEvents) "
      + "--static-iou \(minIoU)"
  }
}
