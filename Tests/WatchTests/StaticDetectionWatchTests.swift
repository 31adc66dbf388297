import Foundation
import GRDB
import LookoutCore
import Testing

@testable import Watch

/// `watch` applies scan's static rule to each camera's history in its state database: a box at
/// the same place in 10 frames over 5 events raises no alert, and the pass says so.
@Suite struct StaticDetectionWatchTests {
  static let stump = "person 0.7 at 0.2 0.5 0.05 0.15"
  static let walker = "person 0.9 at 0.6 0.3 0.1 0.3"

  /// `hour` hours after 2024-05-01T00:00:00, plus `second` seconds.
  static func captured(hour: Int, second: Int = 0) -> String {
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return "captured 2024-05-\(two(1 + hour / 24))T\(two(hour % 24)):00:\(two(second))"
  }

  /// Twelve frames of the stump an hour apart (twelve events), one run each, as cron would.
  static func stumpRuns(_ h: WatchHarness) async throws -> [PassSummary] {
    var summaries: [PassSummary] = []
    for hour in 0..<12 {
      h.put("site-a/cam1/IMG_\(1000 + hour).JPG", stump + "\n" + captured(hour: hour))
      summaries.append(try await h.runOnce())
    }
    return summaries
  }

  @Test func aStumpSeenInTenFramesOverFiveEventsStopsAlerting() async throws {
    var h = WatchHarness("static-stump")
    defer { h.folder.remove() }
    h.configuration.groupWindowSeconds = 60
    let summaries = try await Self.stumpRuns(h)
    // The first nine frames alert (fewer than ten images); from the tenth on, it is static.
    #expect(summaries.map(\.alertsNew) == Array(repeating: 1, count: 9) + [0, 0, 0])
    #expect(summaries.map(\.heldBackAsStatic) == Array(repeating: 0, count: 9) + [1, 1, 1])
    #expect(summaries[11].staticDetections == 1)
    #expect(summaries[11].line().contains("1 held back as static"))
    #expect(try h.alerts().count == 9)

    // A person walking past the stump still alerts, with only their own box.
    h.put(
      "site-a/cam1/IMG_2000.JPG", Self.stump + "\n" + Self.walker + "\n" + Self.captured(hour: 30))
    let walk = try await h.runOnce()
    #expect(walk.alertsNew == 1)
    #expect(walk.heldBackAsStatic == 0)
    let latest = try #require(h.alerts().last)
    #expect(latest.bestFile == "site-a/cam1/IMG_2000.JPG")
    #expect(latest.bestRecord.contains("0.6"))
    #expect(!latest.bestRecord.contains("0.05"))
  }

  @Test func theSameBoxAtAnotherCameraIsNotStatic() async throws {
    var h = WatchHarness("static-other-camera")
    defer { h.folder.remove() }
    h.configuration.groupWindowSeconds = 60
    _ = try await Self.stumpRuns(h)
    h.put("site-a/cam2/IMG_1000.JPG", Self.stump + "\n" + Self.captured(hour: 40))
    let other = try await h.runOnce()
    #expect(other.alertsNew == 1)
    #expect(other.heldBackAsStatic == 0)
  }

  @Test func aPersonStandingStillThroughOneBurstAlerts() async throws {
    var h = WatchHarness("static-standing")
    defer { h.folder.remove() }
    h.configuration.groupWindowSeconds = 60
    for second in 0..<20 {
      h.put(
        "site-a/cam1/IMG_\(1000 + second).JPG",
        Self.stump + "\n" + Self.captured(hour: 1, second: second * 2))
    }
    let summary = try await h.runOnce()
    #expect(summary.heldBackAsStatic == 0)
    #expect(summary.alertsNew == 1)
    #expect(summary.alertsUpdated == 19)
  }

  @Test func keepStaticAlertsOnTheStump() async throws {
    var h = WatchHarness("static-keep")
    defer { h.folder.remove() }
    h.configuration.groupWindowSeconds = 60
    h.configuration.staticRule = .off
    let summaries = try await Self.stumpRuns(h)
    #expect(summaries.allSatisfy { $0.alertsNew == 1 && $0.heldBackAsStatic == 0 })
    // Nothing is kept for a rule that is off.
    #expect(try h.query { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM static_box") } == 0)
  }

  @Test func theHistoryIsInTheStateDatabase() async throws {
    var h = WatchHarness("static-history")
    defer { h.folder.remove() }
    h.configuration.groupWindowSeconds = 60
    _ = try await Self.stumpRuns(h)
    let cameras = try h.query {
      try String.fetchAll($0, sql: "SELECT DISTINCT camera FROM static_box")
    }
    #expect(cameras == ["camera:site-a/cam1"])
    #expect(try h.query { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM static_box") } == 12)
  }
}
