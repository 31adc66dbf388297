import ArgumentParser
import Formats
import LookoutSystem
import LookoutCore

/// `--keep-static`, `--static-min-images`, `--static-min-events`, `--static-iou`: the static
/// rule (``LookoutCore/StaticRule``), declared once for `scan`, `rethreshold` and `merge`.
/// Options not given keep the rule they start from: the default for `scan`, the scan's own for
/// `rethreshold` and `merge`.
struct StaticOptions: ParsableArguments {
  @Flag(
    name: .long,
    help: "Alert on static detections too (boxes that recur at the same place of a camera).")
  var keepStatic = false

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Images a box must recur in to be static (default \(StaticRule.defaultMinImages)).",
      valueName: "K"))
  var staticMinImages: Int?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Distinct events those images must span, 3 or more (default \(StaticRule.defaultMinEvents)).",
      valueName: "M"))
  var staticMinEvents: Int?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "IoU at or above which two boxes are at the same place (default \(StaticRule.defaultMinIoU)).",
      valueName: "X"))
  var staticIou: Double?

  func validate() throws {
    if let staticMinImages, staticMinImages < 1 {
      throw ValidationError("--static-min-images must be 1 or more")
    }
    // Two events could be a person who came back the next day: never static.
    if let staticMinEvents, staticMinEvents < 3 {
      throw ValidationError("--static-min-events must be 3 or more")
    }
    if let staticIou, !(staticIou > 0 && staticIou <= 1) {
      throw ValidationError("--static-iou must be above 0 and at most 1")
    }
    if keepStatic && (staticMinImages != nil || staticMinEvents != nil || staticIou != nil) {
      throw ValidationError("--keep-static turns the static rule off; give no --static-* with it")
    }
  }

  /// Whether any of the options was given.
  var isGiven: Bool {
    keepStatic || staticMinImages != nil || staticMinEvents != nil || staticIou != nil
  }

  /// `base` with the options given applied (an enabled rule's values when `base` is off).
  func rule(over base: StaticRule) -> StaticRule {
    if keepStatic { return .off }
    guard isGiven else { return base }
    var rule = base.isEnabled ? base : .standard
    if let staticMinImages { rule.minImages = staticMinImages }
    if let staticMinEvents { rule.minEvents = staticMinEvents }
    if let staticIou { rule.minIoU = staticIou }
    return rule
  }

  /// The terminal's line for what the static rule held back (nil when nothing): totals, then
  /// per camera.
  static func heldBackLine(_ held: RunSummary.HeldBackAsStatic) -> String? {
    guard held.detections > 0 else { return nil }
    let cameras = held.cameras.map {
      "\(TerminalText.escaped($0.camera)) \($0.detections) detections, \($0.alerts) alerts"
    }
    return "Held back as static (--keep-static shows them): \(held.detections) detections, "
      + "\(held.alerts) alerts (\(cameras.joined(separator: "; "))).\n"
  }
}
