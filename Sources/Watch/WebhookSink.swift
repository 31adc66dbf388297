import AsyncHTTPClient
import NIOHTTP1

/// A generic JSON webhook: each alert revision is POSTed as its ``AlertPayload``, with an
/// `Idempotency-Key` header (`<alert id>:<revision>`, also in the body) so a receiver can drop
/// the repeats that at-least-once delivery allows, and `Authorization: Bearer <token>` when a
/// token is configured.
public struct WebhookSink: AlertSink {
  public let name = "webhook"
  public let url: String
  private let token: String?
  private let sender: HTTPSender

  public init(url: String, token: String?, sender: HTTPSender) {
    self.url = url
    self.token = token
    self.sender = sender
  }

  public func deliver(_ item: PendingDelivery) async -> DeliveryResult {
    var headers = [("Idempotency-Key", AlertPayload.idempotencyKey(item.alertID, item.revision))]
    if let token { headers.append(("Authorization", "Bearer \(token)")) }
    return await sender.send(
      method: .POST, url: url, headers: headers, body: Array(item.payload.utf8)
    ).result
  }
}
