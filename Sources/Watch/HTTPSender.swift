import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Sends one JSON request with AsyncHTTPClient and classifies the answer for the retry policy:
/// 2xx delivered; network errors, 408, 425, 429 and 5xx retried (with the Retry-After header);
/// anything else (other 4xx, and 3xx: redirects are not followed) rejected with the answer.
/// Every text it returns has the sink's token removed.
public struct HTTPSender: Sendable {
  public let client: HTTPClient
  public let timeoutSeconds: Double
  public let redactor: Redactor

  public init(client: HTTPClient, timeoutSeconds: Double, redactor: Redactor) {
    self.client = client
    self.timeoutSeconds = timeoutSeconds
    self.redactor = redactor
  }

  /// The most of an answer's body that is read (and the most of it that is recorded).
  static let bodyLimit = 64 << 10
  static let recordedLimit = 1000

  /// A client for the sinks: no redirects followed, connect and read timeouts, no retries of
  /// its own.
  public static func makeClient(timeoutSeconds: Double) -> HTTPClient {
    let seconds = Int64(max(1, timeoutSeconds))
    var configuration = HTTPClient.Configuration(
      redirectConfiguration: .disallow,
      timeout: .init(
        connect: .seconds(Int64(connectTimeoutSeconds(timeoutSeconds))), read: .seconds(seconds)))
    // A refused or failed connection is reported at once: the delivery worker's own backoff
    // decides when to try again (the client would otherwise retry until the request deadline).
    configuration.connectionPool.retryConnectionEstablishment = false
    return HTTPClient(
      eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
  }

  /// The connect timeout of a client made with ``makeClient(timeoutSeconds:)``: the request's
  /// whole seconds (at least 1), at most 10.
  static func connectTimeoutSeconds(_ timeoutSeconds: Double) -> Double {
    Double(min(Int64(max(1, timeoutSeconds)), 10))
  }

  public func send(
    method: HTTPMethod, url: String, headers: [(String, String)], body: [UInt8]
  ) async -> (result: DeliveryResult, body: [UInt8]) {
    var request = HTTPClientRequest(url: url)
    request.method = method
    request.headers.add(name: "Content-Type", value: "application/json")
    request.headers.add(name: "User-Agent", value: "lookout-watch")
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    request.body = .bytes(ByteBuffer(bytes: body))
    let response: HTTPClientResponse
    var bytes: [UInt8] = []
    do {
      response = try await client.execute(request, timeout: .seconds(Int64(max(1, timeoutSeconds))))
      for try await chunk in response.body {
        if bytes.count < Self.bodyLimit {
          bytes += chunk.readableBytesView.prefix(Self.bodyLimit - bytes.count)
        }
      }
    } catch {
      return (
        .retry(
          status: nil, after: nil,
          reason: redactor.clean(
            "network error: "
              + DeliveryErrorText.describe(error, url: url, timeoutSeconds: timeoutSeconds))),
        []
      )
    }
    let status = Int(response.status.code)
    let text = redactor.clean(
      String(decoding: bytes.prefix(Self.recordedLimit), as: UTF8.self))
    switch status {
    case 200..<300:
      return (.delivered(status: status, remoteID: nil, file: nil), bytes)
    case 408, 425, 429, 500..<600:
      let after = response.headers.first(name: "Retry-After").flatMap {
        RetryBackoff.parseRetryAfter($0, now: Date().timeIntervalSince1970)
      }
      return (.retry(status: status, after: after, reason: "HTTP \(status): \(text)"), bytes)
    default:
      return (.rejected(status: status, response: text), bytes)
    }
  }

  /// Checks a sink URL (``SinkURL/parse(_:option:)``): http or https, a host, a port in
  /// 1...65535, and no credentials in it (tokens belong in an environment variable or a file).
  public static func validate(url: String, sink: String) throws(WatchError) {
    let option = sink == "earthranger" ? "--earthranger-url" : "--webhook-url"
    _ = try SinkURL.parse(url, option: option)
  }
}
