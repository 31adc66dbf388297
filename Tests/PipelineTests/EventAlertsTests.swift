import Formats
import Testing

@testable import Pipeline

/// One alert per event, written as soon as the event has all its frames: the pass over a card
/// keeps only the open events, and still writes them in the order of their first alerting frame.
@Suite struct EventAlertsTests {
  static func alert(_ file: String, confidence: Double = 0.8) -> AlertRecord {
    AlertRecord(
      id: file, file: file, labels: ["person"], bestConfidence: confidence, bestLabel: "person",
      boxes: [AlertBox(label: "person", confidence: confidence, bbox: [0.1, 0.1, 0.2, 0.2])],
      modelVersion: "9.9.9", thresholds: ["person": 0.5])
  }

  static func event(_ id: String, frames: Int) -> ImageEvent {
    ImageEvent(id: id, start: "t0", end: "t1", frames: frames, timeSource: .exif)
  }

  @Test func anEventIsHandedOutOnceItsLastFrameIsAddedAndInFirstFrameOrder() {
    var alerts = EventAlerts()
    // File order: a1 (event A, whose last frame is image 3), b1 (event B, complete at 1),
    // then A's last frame at 3.
    alerts.add(Self.alert("cam/a1.jpg"), event: Self.event("A", frames: 2), completeAt: 3)
    #expect(alerts.takeCompleted(through: 0).isEmpty)
    alerts.add(Self.alert("cam/b1.jpg"), event: Self.event("B", frames: 1), completeAt: 1)
    // B is complete, but A's first alerting frame came first: B waits behind it.
    #expect(alerts.takeCompleted(through: 1).isEmpty)
    #expect(alerts.alerts(event: "B"))
    #expect(alerts.takeCompleted(through: 2).isEmpty)
    alerts.add(Self.alert("cam/a2.jpg", confidence: 0.9), event: Self.event("A", frames: 2), completeAt: 3)
    let handed = alerts.takeCompleted(through: 3)
    #expect(handed.map { $0.event?.id } == ["A", "B"])
    #expect(handed.first?.event?.files == ["cam/a1.jpg", "cam/a2.jpg"])
    #expect(handed.first?.file == "cam/a2.jpg")
    #expect(!alerts.alerts(event: "A"))
    #expect(alerts.takeAll().isEmpty)
  }

  @Test func manyEventsKeepOnlyTheOpenOnes() {
    var alerts = EventAlerts()
    var handed: [String] = []
    // 1,000 events of two frames each, one after another: each is handed out at its last frame.
    for index in 0..<2_000 {
      let id = "E\(index / 2)"
      alerts.add(
        Self.alert("cam/\(index).jpg"), event: Self.event(id, frames: 2),
        completeAt: index | 1)
      handed += alerts.takeCompleted(through: index).compactMap { $0.event?.id }
      #expect(handed.count == (index + 1) / 2)
    }
    #expect(handed == (0..<1_000).map { "E\($0)" })
    #expect(alerts.takeAll().isEmpty)
  }
}
