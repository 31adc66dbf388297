import Foundation
import Testing

@testable import Watch

/// Sink URLs are checked fully at startup: a URL NIO cannot connect to (a port over 65535) used
/// to pass and then crash every delivery.
@Suite struct SinkURLTests {
  private func settings(webhook: String? = nil, earthRanger: String? = nil) -> WatchSettings {
    var s = WatchSettings()
    s.inbox = "/in"
    s.output = "/out"
    s.webhookURL = webhook
    s.earthRangerURL = earthRanger
    return s
  }

  /// The reason `resolved()` gives, or nil when it accepts the URL.
  private func refusal(webhook url: String) -> String? {
    do {
      _ = try settings(webhook: url).resolved()
      return nil
    } catch {
      guard case .option(let reason) = error else { return "not an option error: \(error)" }
      return reason
    }
  }

  @Test(arguments: [
    ("http://127.0.0.1:65536/", "65536"),
    ("http://127.0.0.1:0/hook", "port 0"),
    ("http://127.0.0.1:99999999999999999999999/", "port"),
    ("http://127.0.0.1:-1/", "port"),
    ("http://127.0.0.1:8o/", "port"),
    ("ftp://example.org/hook", "http or https"),
    ("example.org/hook", "http or https"),
    ("http:///hook", "host"),
    ("http://:8080/hook", "host"),
    ("http://exa mple.org/hook", "space"),
    ("http://example.org/ho\nok", "control"),
  ])
  func badWebhookURLsAreRefusedNamingTheOption(_ url: String, _ why: String) {
    let reason = refusal(webhook: url)
    #expect(reason?.contains("--webhook-url") == true, "\(url): \(reason ?? "accepted")")
    #expect(reason?.contains(why) == true, "\(url): \(reason ?? "accepted")")
  }

  @Test func credentialsInTheURLAreRefusedWithoutPrintingThem() {
    for url in [
      "https://user:REALTOKEN-abc123@alerts.example.org/hook",
      "https://REALTOKEN-abc123@alerts.example.org/hook",
      "https://:REALTOKEN-abc123@alerts.example.org/hook",
    ] {
      let reason = refusal(webhook: url)
      #expect(reason?.contains("credentials") == true, "\(reason ?? "accepted")")
      #expect(reason?.contains("REALTOKEN") == false, "\(reason ?? "accepted")")
    }
  }

  @Test func theEarthRangerURLIsCheckedToo() {
    do {
      _ = try settings(earthRanger: "https://reserve.example.org:70000").resolved()
      Issue.record("port 70000 accepted")
    } catch {
      #expect(error.description.contains("--earthranger-url"), "\(error)")
      #expect(error.description.contains("70000"), "\(error)")
    }
  }

  @Test(arguments: [
    "http://127.0.0.1:1/hook", "https://alerts.example.org/lookout",
    "https://reserve.pamdas.org", "HTTP://Example.ORG:65535/a?b=c", "http://[::1]:8080/hook",
    "http://localhost/hook#frag",
  ])
  func goodURLsPass(_ url: String) throws {
    #expect(refusal(webhook: url) == nil, "\(url): \(refusal(webhook: url) ?? "")")
  }

  @Test func theCommandExits64ForABadPortWithoutDelivering() throws {
    let folder = TestFolder("url-cli")
    defer { folder.remove() }
    let inbox = folder.sub("inbox")
    let webhook = try LookoutRun.run(
      [
        "watch", inbox, "--out", folder.path + "/out", "--once",
        "--webhook-url", "http://127.0.0.1:65536/",
      ], environment: ["LOOKOUT_WEBHOOK_TOKEN": "REALTOKEN-abc123"])
    #expect(webhook.status == 64, "\(webhook.stderr)")
    #expect(webhook.stderr.contains("--webhook-url"))
    #expect(webhook.stderr.contains("65536"))
    #expect(!webhook.stderr.contains("REALTOKEN"))
    let earthRanger = try LookoutRun.run(
      [
        "watch", inbox, "--out", folder.path + "/out", "--once",
        "--earthranger-url", "https://reserve.example.org:70000",
      ], environment: ["LOOKOUT_EARTHRANGER_TOKEN": "REALTOKEN-abc123"])
    #expect(earthRanger.status == 64, "\(earthRanger.stderr)")
    #expect(earthRanger.stderr.contains("--earthranger-url"))
    #expect(!earthRanger.stderr.contains("REALTOKEN"))
  }
}
