import Foundation
import GRDB
import Testing

@testable import Watch

@Suite struct DeliveryTests {
  static let token = "s3cret-token-4f9a"

  private func webhookSinks(_ url: String, timeout: Double = 5) throws -> ConfiguredSinks {
    var delivery = DeliverySettings(requestTimeoutSeconds: timeout)
    delivery.webhook = WebhookSettings(
      url: url, token: TokenSource(environmentVariable: "HOOK_TOKEN"))
    return try ConfiguredSinks(delivery, environment: ["HOOK_TOKEN": Self.token])
  }

  @Test func webhookRetriesNetworkErrors500And429ThenDelivers() async throws {
    var h = WatchHarness("webhook")
    defer { h.folder.remove() }
    h.configuration.delivery.retryBaseSeconds = 0.05
    // Retry-After is capped by the retry max: 2 s lets the receiver's Retry-After: 1 through.
    h.configuration.delivery.retryMaxSeconds = 2
    h.put("cam1/IMG_0001.JPG", "person 0.9")
    h.put("cam2/IMG_0002.JPG", "vehicle 0.8")
    let log = LogLines()

    // The receiver is down: nothing listens on that port.
    let down = try webhookSinks("http://127.0.0.1:1/hook")
    let first = try await h.runOnce(sinks: down.sinks, log: log.sink)
    await down.shutdown()
    #expect(first.alertsNew == 2)
    #expect(first.alertsDelivered == 2)  // alerts.jsonl
    #expect(first.deliveriesPending == 2)  // the webhook's

    // Back up, but answering 500, then 429 with Retry-After: 1, then 200.
    let receiver = LocalReceiver(script: [.status(500), .tooManyRequests(retryAfter: 1)])
    try await receiver.start()
    let up = try webhookSinks(receiver.url + "/hook")
    // The wait ends as soon as no retry is due; its bound only matters on a loaded machine,
    // where the cooperative threads can be starved for many seconds (seen in CI at 10).
    h.configuration.delivery.onceWaitSeconds = 120
    let clock = ContinuousClock.now
    let second = try await h.runOnce(sinks: up.sinks, log: log.sink)
    let elapsed = ContinuousClock.now - clock
    #expect(second.alertsDelivered == 2)
    #expect(second.deliveriesPending == 0)
    #expect(elapsed >= .seconds(1), "Retry-After: 1 was not honoured")
    let got = receiver.requests
    // The checks below index the four requests: a short list fails the test, after the HTTP
    // client is shut down (a client dropped unshut crashes the whole test process).
    guard got.map(\.status) == [500, 429, 200, 200] else {
      Issue.record("the receiver got \(got.map(\.status)), not [500, 429, 200, 200]")
      await up.shutdown()
      await receiver.stop()
      return
    }
    let keys = got.map { $0.headers["idempotency-key"] ?? "" }
    #expect(keys[0] == keys[1] && keys[1] == keys[2])
    #expect(Set(keys).count == 2)
    for request in got {
      #expect(request.headers["authorization"] == "Bearer \(Self.token)")
      let body = try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as! [String: Any]
      #expect(body["idempotency_key"] as? String == request.headers["idempotency-key"])
      #expect(body["event"] as? String == "alert.created")
    }

    // A 400 is final: recorded with the answer, never sent again.
    receiver.setScript([.refuse(400, body: "bad event from \(Self.token)")])
    h.put("cam3/IMG_0003.JPG", "person 0.7")
    let third = try await h.runOnce(sinks: up.sinks, log: log.sink)
    #expect(third.deliveriesRejected == 1)
    #expect(third.deliveriesPending == 0)
    let rejected = try h.query {
      try Delivery.filter(sql: "sink = 'webhook' AND state = 'rejected'").fetchAll($0)
    }
    #expect(rejected.count == 1)
    #expect(rejected.first?.lastStatus == 400)
    #expect(rejected.first?.lastError == "bad event from [redacted]")
    let count = receiver.requests.count
    _ = try await h.runOnce(sinks: up.sinks, log: log.sink)
    #expect(receiver.requests.count == count)
    await up.shutdown()
    await receiver.stop()

    // The token is in no file and no log line.
    for name in ["watch.sqlite", "watch.sqlite-wal", "alerts.jsonl"] {
      let bytes = FileManager.default.contents(atPath: h.output + "/" + name) ?? Data()
      #expect(!String(decoding: bytes, as: UTF8.self).contains(Self.token), "token in \(name)")
    }
    #expect(!log.all.isEmpty)
    #expect(log.all.allSatisfy { !$0.contains(Self.token) })
  }

  @Test func earthRangerEventIsCreatedThenUpdated() async throws {
    var h = WatchHarness("earthranger")
    defer { h.folder.remove() }
    h.configuration.groupWindowSeconds = 60
    h.configuration.geofence.cameraUTCOffsetMinutes = 180
    // As above: the wait ends when nothing is due; a loaded machine needs more than 5 seconds
    // (a suite run without ../shared once saw the PATCH left pending).
    h.configuration.delivery.onceWaitSeconds = 120
    let receiver = LocalReceiver(script: [])
    try await receiver.start()
    var delivery = DeliverySettings(requestTimeoutSeconds: 30)
    delivery.earthRanger = EarthRangerSettings(
      url: receiver.url, token: TokenSource(environmentVariable: "ER_TOKEN"),
      eventType: "lookout_test")
    let sinks = try ConfiguredSinks(delivery, environment: ["ER_TOKEN": Self.token])
    h.put("reserve/cam1/IMG_0001.JPG", "person 0.6\ncaptured 2024-05-01T06:00:00\ngps -3.3 36.6")
    _ = try await h.runOnce(sinks: sinks.sinks)
    h.put("reserve/cam1/IMG_0002.JPG", "person 0.9\ncaptured 2024-05-01T06:00:05\ngps -3.3 36.6")
    let second = try await h.runOnce(sinks: sinks.sinks)
    #expect(second.alertsUpdated == 1)
    await sinks.shutdown()
    await receiver.stop()

    let got = receiver.requests
    try #require(got.map(\.method) == ["POST", "PATCH"])
    #expect(got[0].path == "/api/v1.0/activity/events/")
    #expect(got[1].path == "/api/v1.0/activity/event/ev-0/")
    #expect(got.allSatisfy { $0.headers["authorization"] == "Bearer \(Self.token)" })
    let created = try JSONSerialization.jsonObject(with: Data(got[0].body.utf8)) as! [String: Any]
    #expect(created["event_type"] as? String == "lookout_test")
    #expect(created["title"] as? String == "Person at reserve/cam1")
    #expect(created["time"] as? String == "2024-05-01T06:00:00+03:00")
    #expect(created["priority"] as? Int == 300)
    let location = created["location"] as? [String: Double]
    #expect(location?["latitude"] == -3.3 && location?["longitude"] == 36.6)
    let details = created["event_details"] as! [String: Any]
    #expect(details["file"] as? String == "reserve/cam1/IMG_0001.JPG")
    #expect(details["camera"] as? String == "cam1")
    #expect(details["label"] as? String == "person")
    #expect(details["confidence"] as? Double == 0.6)
    #expect(details["model"] as? String == "scripted-1")
    let updated = try JSONSerialization.jsonObject(with: Data(got[1].body.utf8)) as! [String: Any]
    #expect(updated["title"] as? String == "Person at reserve/cam1 (2 frames)")
    let updatedDetails = updated["event_details"] as! [String: Any]
    #expect(updatedDetails["frame_count"] as? Int == 2)
    #expect(updatedDetails["file"] as? String == "reserve/cam1/IMG_0002.JPG")
    let stored = try h.query { try Delivery.filter(sql: "sink = 'earthranger'").fetchAll($0) }
    #expect(stored.map(\.remoteID) == ["ev-0"])
    #expect(stored.map(\.deliveredRevision) == [2])
  }

  @Test func backoffGrowsWithJitterAndHonoursRetryAfter() {
    let backoff = RetryBackoff(baseSeconds: 2, maxSeconds: 60)
    #expect(backoff.delay(failures: 1, jitter: 1) == 2)
    #expect(backoff.delay(failures: 3, jitter: 1) == 8)
    #expect(backoff.delay(failures: 3, jitter: 0.5) == 4)
    #expect(backoff.delay(failures: 30, jitter: 1) == 60)
    for _ in 0..<50 {
      let d = backoff.delay(failures: 4)
      #expect(d >= 8 && d <= 16)
    }
    #expect(backoff.delay(failures: 1, retryAfter: 3, jitter: 1) == 3)
    #expect(RetryBackoff.parseRetryAfter("120", now: 0) == 120)
    let now = 1_445_412_480.0  // 2015-10-21T07:28:00Z
    #expect(RetryBackoff.parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == 30)
    #expect(RetryBackoff.parseRetryAfter("soon", now: now) == nil)
  }

  @Test func tokensComeFromTheEnvironmentOrAFileOnly() throws {
    let folder = TestFolder("tokens")
    defer { folder.remove() }
    TestFiles.write("  file-token\n", to: folder.path + "/token")
    #expect(
      try SecretToken.load(TokenSource(file: folder.path + "/token"), sink: "webhook")
        == "file-token")
    #expect(
      try SecretToken.load(
        TokenSource(environmentVariable: "X_TOKEN"), sink: "webhook",
        environment: ["X_TOKEN": "env-token"]) == "env-token")
    #expect(
      throws: WatchError.sink(name: "webhook", reason: "the environment variable Y is not set")
    ) {
      _ = try SecretToken.load(
        TokenSource(environmentVariable: "Y"), sink: "webhook", environment: [:])
    }
    #expect(throws: WatchError.self) {
      try HTTPSender.validate(url: "https://user:pw@example.org/hook", sink: "webhook")
    }
  }
}
