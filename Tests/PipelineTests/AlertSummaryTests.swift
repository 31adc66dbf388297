import Testing

@testable import Pipeline

/// The terminal's alert list counts every alert but keeps only the first few.
@Suite struct AlertSummaryTests {
  @Test func everyAlertIsCountedAndOnlyTheFirstAreKept() {
    var summary = AlertSummary()
    #expect(summary.isEmpty)
    for number in 0..<(AlertSummary.shownCount + 5) {
      summary.add(
        AlertSummaryLine(
          file: "IMG_\(number).JPG", labels: ["person"], confidence: 0.9, frames: nil))
    }
    #expect(summary.count == AlertSummary.shownCount + 5)
    #expect(!summary.isEmpty)
    #expect(summary.shown.map(\.file) == (0..<AlertSummary.shownCount).map { "IMG_\($0).JPG" })
  }
}
