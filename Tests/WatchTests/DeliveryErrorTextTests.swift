import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@testable import Watch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A delivery that fails says what failed in words a person reads, naming the receiver, not
/// NIO's own text ("connection reset (error set): Connection refused").
@Suite struct DeliveryErrorTextTests {
  /// A local TCP port that nothing listens on: bound, read back, closed.
  static func closedLocalPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    try #require(fd >= 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    try #require(bound == 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    try #require(named == 0)
    return Int(UInt16(bigEndian: address.sin_port))
  }

  /// One delivery of an empty alert to a webhook at `url`, through a real HTTP client (5 s).
  static func deliverOnce(to url: String) async -> DeliveryResult {
    let client = HTTPSender.makeClient(timeoutSeconds: 5)
    let sender = HTTPSender(client: client, timeoutSeconds: 5, redactor: Redactor(secrets: []))
    let sink = WebhookSink(url: url, token: nil, sender: sender)
    let result = await sink.deliver(
      PendingDelivery(alertID: "a1", revision: 1, payload: "{}", deliveredRevision: 0))
    try? await client.shutdown()
    return result
  }

  @Test func aWebhookToAClosedPortSaysConnectionRefusedByHostAndPort() async throws {
    let port = try Self.closedLocalPort()
    let result = await Self.deliverOnce(to: "http://127.0.0.1:\(port)/hook")
    guard case .retry(let status, _, let reason) = result else {
      Issue.record("expected a retry, got \(result)")
      return
    }
    #expect(status == nil)
    #expect(reason.contains("connection refused by 127.0.0.1:\(port)"), "\(reason)")
    #expect(!reason.contains("error set"), "\(reason)")
  }

  /// `.invalid` never resolves (RFC 6761), with or without a network.
  @Test func aWebhookToAHostThatDoesNotResolveSaysSo() async throws {
    let result = await Self.deliverOnce(to: "http://lookout-test.invalid:8080/hook")
    guard case .retry(_, _, let reason) = result else {
      Issue.record("expected a retry, got \(result)")
      return
    }
    #expect(reason == "network error: could not resolve lookout-test.invalid", "\(reason)")
  }

  @Test func timeoutsNameTheirSeconds() {
    let url = "https://alerts.example.org/hook"
    #expect(
      DeliveryErrorText.describe(HTTPClientError.readTimeout, url: url, timeoutSeconds: 7)
        == "timed out after 7 s waiting for alerts.example.org:443")
    #expect(
      DeliveryErrorText.describe(HTTPClientError.deadlineExceeded, url: url, timeoutSeconds: 7)
        == "timed out after 7 s waiting for alerts.example.org:443")
    #expect(
      DeliveryErrorText.describe(
        ChannelError.connectTimeout(.seconds(10)), url: url, timeoutSeconds: 30)
        == "timed out after 10 s connecting to alerts.example.org:443")
  }

  @Test func refusedResetAndUnresolvedHostsInWords() {
    let url = "http://hooks.local:8080/x"
    #expect(
      DeliveryErrorText.describe(
        IOError(errnoCode: ECONNREFUSED, reason: "connection reset (error set)"), url: url,
        timeoutSeconds: 5)
        == "connection refused by hooks.local:8080")
    #expect(
      DeliveryErrorText.describe(
        IOError(errnoCode: ECONNRESET, reason: "read(descriptor:pointer:size:)"), url: url,
        timeoutSeconds: 5)
        == "connection to hooks.local:8080 failed: connection reset by peer (ECONNRESET)")
    #expect(
      DeliveryErrorText.describe(
        HTTPClientError.remoteConnectionClosed, url: url, timeoutSeconds: 5)
        == "hooks.local:8080 closed the connection before answering")
  }
}
