import Formats
import LookoutCore
import LookoutSystem

/// The pass over a card's outcomes (file order) that finds its events (``EventGrouper``) and
/// its static detections (``StaticDetectionFinder``), shared by scan, rethreshold and merge so
/// all three decide alike.
struct CardGrouping {
  private var grouper: EventGrouper
  private var finder: StaticDetectionFinder
  private let alertRule: AlertRule

  /// Events cut at `gapSeconds`, static detections found with `staticRule` among the boxes
  /// that reach `alertRule`'s thresholds at their image's place (found by `locator`). A card's
  /// many candidates go to a temporary file in `spillDirectory` (``StaticCandidateStore``).
  init(
    gapSeconds: Int, staticRule: StaticRule, alertRule: AlertRule, locator: ImageLocator,
    spillDirectory: String, candidatesInMemory: Int = StaticCandidateStore.defaultMemoryLimit
  ) {
    grouper = EventGrouper(gapSeconds: gapSeconds, locator: locator)
    finder = StaticDetectionFinder(
      rule: staticRule, spillDirectory: spillDirectory, memoryLimit: candidatesInMemory)
    self.alertRule = alertRule
  }

  /// How many static candidates went to the temporary file (0 while they all fit in memory).
  var staticCandidatesInFile: Int { finder.candidatesInFile }

  /// Adds the next image in file order.
  mutating func add(_ outcome: ImageOutcome) throws(ScanError) {
    let image = grouper.imageCount
    guard let placed = grouper.add(outcome) else { return }
    do {
      try finder.add(
        outcome, image: image, camera: placed.camera,
        thresholds: alertRule.thresholds(at: placed.place))
    } catch {
      throw .outputFile(error)
    }
  }

  /// Every image's event, and the static detections.
  mutating func finish() throws(ScanError) -> (events: CardEvents, statics: StaticMarks) {
    let events = grouper.events()
    do {
      return (events, try finder.marks(events: events))
    } catch {
      throw .outputFile(error)
    }
  }
}
