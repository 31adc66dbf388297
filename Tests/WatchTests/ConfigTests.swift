import Foundation
import Testing

@testable import Watch

@Suite struct ConfigTests {
  static let file = """
    {
      "thresholds": {"animal": 0.3, "person": 0.42, "vehicle": 0.5,
                     "sites": {"river-camp": {"person": 0.35}}},
      "tune": {"kept": "for the researcher tooling"},
      "watch": {
        "inbox": "inbox", "out": "/srv/triage", "interval": 30, "settle": 20,
        "max_attempts": 5, "move_processed": "../done", "group_window": 90,
        "areas": "areas.geojson", "geofence_policy": "inside-or-unknown",
        "camera_utc_offset": "+03:00",
        "webhook": {"url": "https://alerts.example.org/hook", "token_file": "hook.token"},
        "earthranger": {"url": "https://reserve.example.org", "token_env": "ER",
                        "event_type": "poaching_alert", "priority": {"vehicle": 250}},
        "delivery": {"retry_base": 1, "retry_max": 120, "once_wait": 5}
      }
    }
    """

  private func parse(_ text: String) throws(WatchError) -> WatchSettings {
    try WatchConfigFile.parse(
      Array(text.utf8), path: "/etc/lookout/watch.json", folder: "/etc/lookout")
  }

  @Test func readsEveryMemberAndResolvesRelativePaths() throws {
    let s = try parse(Self.file)
    #expect(s.inbox == "/etc/lookout/inbox")
    #expect(s.output == "/srv/triage")
    #expect(s.moveProcessed == "/etc/done")
    #expect(s.interval == 30 && s.settle == 20 && s.maxAttempts == 5 && s.groupWindow == 90)
    #expect(s.thresholds.classes == ["animal": 0.3, "person": 0.42, "vehicle": 0.5])
    #expect(s.thresholds.sites == ["river-camp": ["person": 0.35]])
    #expect(s.geofencePolicy == .insideOrUnknown)
    #expect(s.webhookTokenFile == "/etc/lookout/hook.token")
    #expect(s.earthRangerPriorities == ["vehicle": 250])
    let c = try s.resolved()
    #expect(c.settleSeconds == 20)
    #expect(c.geofence.cameraUTCOffsetMinutes == 180)
    #expect(c.delivery.webhook?.token == TokenSource(file: "/etc/lookout/hook.token"))
    #expect(c.delivery.earthRanger?.priorities == ["person": 300, "vehicle": 250])
    #expect(c.delivery.earthRanger?.eventType == "poaching_alert")
    #expect(c.delivery.retryMaxSeconds == 120)
    #expect(
      c.thresholds.resolved(
        defaults: .init(animal: 0.1, person: 0.1, vehicle: 0.1), site: "river-camp"
      ).person == 0.35)
  }

  @Test func flagsOverrideTheFile() throws {
    var flags = WatchSettings()
    flags.settle = 0
    flags.thresholds.classes = ["person": 0.9]
    flags.webhookTokenEnv = "HOOK"
    flags.inbox = "/data/inbox"
    let merged = try parse(Self.file).overridden(by: flags)
    #expect(merged.settle == 0)
    #expect(merged.interval == 30)
    #expect(merged.inbox == "/data/inbox")
    #expect(merged.thresholds.classes == ["animal": 0.3, "person": 0.9, "vehicle": 0.5])
    #expect(merged.webhookTokenEnv == "HOOK" && merged.webhookTokenFile == nil)
  }

  @Test func mistakesNameTheMember() {
    func reason(_ text: String) -> String? {
      do {
        _ = try parse(text)
        return nil
      } catch {
        return error.description
      }
    }
    #expect(
      reason(#"{"watch": {"setle": 3}}"#)
        == "config file /etc/lookout/watch.json: unknown member watch.setle")
    #expect(
      reason(#"{"watch": {"settle": "soon"}}"#)?.contains("watch.settle is not a number") == true)
    #expect(reason(#"{"thresholds": {"person": 1.5}}"#)?.contains("thresholds.person") == true)
    #expect(
      reason(#"{"watch": {"webhook": {"url": "x", "token": "abc"}}}"#)?.contains(
        "watch.webhook.token") == true)
    #expect(reason(#"{"watch": {"token": "abc"}}"#)?.contains("tokens are not kept") == true)
    #expect(reason("[1]")?.contains("not a JSON object") == true)
  }

  @Test func resolvedChecksValuesAndDependencies() {
    var s = WatchSettings()
    s.inbox = "/in"
    s.output = "/out"
    #expect((try? s.resolved()) != nil)
    var policy = s
    policy.geofencePolicy = .inside
    #expect(throws: WatchError.self) { try policy.resolved() }
    var badURL = s
    badURL.webhookURL = "ftp://example.org"
    #expect(throws: WatchError.self) { try badURL.resolved() }
    var noOut = s
    noOut.output = nil
    #expect(throws: WatchError.self) { try noOut.resolved() }
  }

  @Test func summaryLineAndJSON() {
    var summary = PassSummary()
    summary.seen = 12
    summary.processed = 5
    summary.unstable = 1
    summary.alertsNew = 2
    summary.alertsDelivered = 4
    summary.seconds = 1.25
    #expect(
      summary.line()
        == "watch: 12 seen, 5 processed, 1 unstable, 0 failed, 2 new alerts, 4 delivered (1.2 s)")
    let keys = summary.json().objectMembers!.map(\.0)
    for key in ["seen", "processed", "unstable", "failed", "alerts_new", "alerts_delivered"] {
      #expect(keys.contains(key))
    }
  }

  @Test func temporaryUploadNames() {
    for name in [
      "a.jpg.part", "A.JPG.PART", "b.tmp", "c.jpg.filepart", ".d.jpg", "e.jpg~", "f.crdownload",
    ] {
      #expect(UploadNames.isTemporary(name), "\(name)")
    }
    for name in ["IMG_0001.JPG", "part.jpg", "tmp_photo.png"] {
      #expect(!UploadNames.isTemporary(name), "\(name)")
    }
    #expect(UploadNames.isTemporary(relativePath: "site/.incoming/a.jpg"))
  }
}
