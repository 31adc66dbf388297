import AsyncHTTPClient
import Foundation

/// The network sinks a configuration asks for, with their tokens loaded and one HTTP client
/// shared between them. Call ``shutdown()`` when done.
public final class ConfiguredSinks: Sendable {
  public let sinks: [any AlertSink]
  /// Removes every loaded token from text (for the log callback).
  public let redactor: Redactor
  private let client: HTTPClient?

  public init(
    _ delivery: DeliverySettings,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(WatchError) {
    let webhookToken = try delivery.webhook.flatMap {
      (w: WebhookSettings) throws(WatchError) in
      try SecretToken.load(w.token, sink: "webhook", environment: environment)
    }
    var earthRangerToken: String?
    if let er = delivery.earthRanger {
      guard
        let token = try SecretToken.load(er.token, sink: "earthranger", environment: environment)
      else { throw .sink(name: "earthranger", reason: "no token configured") }
      earthRangerToken = token
    }
    redactor = Redactor(secrets: [webhookToken, earthRangerToken])
    guard delivery.webhook != nil || delivery.earthRanger != nil else {
      client = nil
      sinks = []
      return
    }
    let client = HTTPSender.makeClient(timeoutSeconds: delivery.requestTimeoutSeconds)
    let sender = HTTPSender(
      client: client, timeoutSeconds: delivery.requestTimeoutSeconds, redactor: redactor)
    var sinks: [any AlertSink] = []
    if let webhook = delivery.webhook {
      sinks.append(WebhookSink(url: webhook.url, token: webhookToken, sender: sender))
    }
    if let er = delivery.earthRanger, let token = earthRangerToken {
      sinks.append(EarthRangerSink(settings: er, token: token, sender: sender))
    }
    self.client = client
    self.sinks = sinks
  }

  /// Closes the HTTP client's connections.
  public func shutdown() async {
    try? await client?.shutdown()
  }
}
