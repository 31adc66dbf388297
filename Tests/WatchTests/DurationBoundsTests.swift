import Foundation
import Testing

@testable import Watch

/// Every duration option is a finite number of seconds within a stated range: `--settle 1e300`
/// used to make a run that never finished.
@Suite struct DurationBoundsTests {
  static var options: [(String, WritableKeyPath<WatchSettings, Double?>)] {
    [
      ("--interval", \.interval), ("--settle", \.settle), ("--retry-delay", \.retryDelay),
      ("--group-window", \.groupWindow), ("--retry-base", \.retryBase),
      ("--retry-max", \.retryMax), ("--delivery-wait", \.deliveryWait),
      ("request timeout", \.requestTimeout),
    ]
  }

  private func base() -> WatchSettings {
    var s = WatchSettings()
    s.inbox = "/in"
    s.output = "/out"
    return s
  }

  @Test(arguments: [1e300, Double.infinity, -Double.infinity, Double.nan, -1, 86_401, 1e9])
  func absurdValuesAreRefusedNamingTheOption(_ value: Double) {
    for (name, path) in Self.options {
      var s = base()
      s[keyPath: path] = value
      do {
        _ = try s.resolved()
        Issue.record("\(name) \(value) accepted")
      } catch {
        guard case .option(let reason) = error else {
          Issue.record("\(name) \(value): \(error)")
          continue
        }
        #expect(reason.contains(name), "\(reason)")
      }
    }
  }

  @Test func valuesInRangeAreKept() throws {
    var s = base()
    s.interval = 86_400
    s.settle = 0
    s.retryDelay = 0
    s.groupWindow = 0
    s.retryBase = 0.05
    s.retryMax = 86_400
    s.deliveryWait = 0
    s.requestTimeout = 0.5
    let c = try s.resolved()
    #expect(c.settleSeconds == 0 && c.delivery.retryMaxSeconds == 86_400)
    #expect(c.delivery.requestTimeoutSeconds == 0.5)
  }

  @Test func theCommandExits64ForAnEndlessSettle() throws {
    let folder = TestFolder("settle-cli")
    defer { folder.remove() }
    let inbox = folder.sub("inbox")
    for (option, value) in [("--settle", "1e300"), ("--interval", "inf"), ("--retry-max", "nan")] {
      let run = try LookoutRun.run([
        "watch", inbox, "--out", folder.path + "/out", "--once", option, value,
      ])
      #expect(run.status == 64, "\(option) \(value): \(run.stderr)")
      #expect(run.stderr.contains(option), "\(run.stderr)")
    }
  }
}
