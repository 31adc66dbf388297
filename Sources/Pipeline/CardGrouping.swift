import Formats
import LookoutCore

/// The pass over a card's outcomes (file order) that finds its events (``EventGrouper``) and
/// its static detections (``StaticDetectionFinder``), shared by scan, rethreshold and merge so
/// all three decide alike.
struct CardGrouping {
  private var grouper: EventGrouper
  private var finder: StaticDetectionFinder
  private let alertRule: AlertRule

  /// Events cut at `gapSeconds`, static detections found with `staticRule` among the boxes
  /// that reach `alertRule`'s thresholds at their image's place (found by `locator`).
  init(gapSeconds: Int, staticRule: StaticRule, alertRule: AlertRule, locator: ImageLocator) {
    grouper = EventGrouper(gapSeconds: gapSeconds, locator: locator)
    finder = StaticDetectionFinder(rule: staticRule)
    self.alertRule = alertRule
  }

  /// Adds the next image in file order.
  mutating func add(_ outcome: ImageOutcome) {
    let image = grouper.imageCount
    guard let placed = grouper.add(outcome) else { return }
    finder.add(
      outcome, image: image, camera: placed.camera,
      thresholds: alertRule.thresholds(at: placed.place))
  }

  /// Every image's event, and the static detections.
  mutating func finish() -> (events: CardEvents, statics: StaticMarks) {
    let events = grouper.events()
    let statics = finder.marks(events: events)
    return (events, statics)
  }
}
