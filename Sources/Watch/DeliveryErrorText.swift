import AsyncHTTPClient
import Formats
import LookoutSystem
import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Words a person reads for a request that failed before any answer: what failed and where,
/// such as `"connection refused by 127.0.0.1:8080"`, `"timed out after 10 s connecting to
/// alerts.example.org:443"`, `"could not resolve alerts.example.org"` or `"TLS handshake with
/// alerts.example.org:443 failed: ..."`, instead of NIO's own text
/// (`"connection reset (error set): Connection refused (errno: 111)"`).
///
/// NIO and AsyncHTTPClient errors (``NIOConnectionError``, `IOError` with its `errno`,
/// `ChannelError`, `HTTPClientError`, NIOSSL's errors) are mapped; any other error is described
/// as it describes itself.
enum DeliveryErrorText {
  /// `error` in words. `url` is the request's (for the host and port to name); `timeoutSeconds`
  /// the request's time limit, as ``HTTPSender`` gives it.
  static func describe(_ error: any Error, url: String, timeoutSeconds: Double) -> String {
    let place = Place(url: url)
    return describe(error, place: place, timeoutSeconds: timeoutSeconds)
  }

  /// The host and port a request went to.
  struct Place {
    var host: String
    var port: Int?

    init(host: String, port: Int?) {
      self.host = host
      self.port = port
    }

    init(url: String) {
      if let parsed = try? SinkURL.parse(url, option: "url") {
        self.init(host: parsed.host, port: parsed.port)
      } else {
        self.init(host: "the receiver", port: nil)
      }
    }

    /// `host:port`, or the host alone when the port is unknown.
    var text: String { port.map { "\(host):\($0)" } ?? host }
  }

  private static func describe(_ error: any Error, place: Place, timeoutSeconds: Double)
    -> String
  {
    let seconds = wholeSeconds(timeoutSeconds)
    switch error {
    case let connection as NIOConnectionError:
      let target = Place(host: connection.host, port: connection.port)
      if let failure = connection.connectionErrors.first {
        return describe(failure.error, place: target, timeoutSeconds: timeoutSeconds)
      }
      if connection.dnsAError != nil || connection.dnsAAAAError != nil {
        return "could not resolve \(connection.host)"
      }
      return "could not connect to \(target.text)"
    case let io as IOError:
      return words(errno: io.errnoCode, place: place)
    case let posix as POSIXError:
      return words(errno: posix.code.rawValue, place: place)
    case let unknown as SocketAddressError.UnknownHost:
      return "could not resolve \(unknown.host)"
    case let channel as ChannelError:
      switch channel {
      case .connectTimeout(let amount):
        let limit = wholeSeconds(Double(amount.nanoseconds) / 1e9)
        return "timed out after \(limit) s connecting to \(place.text)"
      case .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed, .eof:
        return "\(place.text) closed the connection before answering"
      default:
        return "connection to \(place.text) failed: \(channel)"
      }
    case let client as HTTPClientError:
      switch client {
      case .connectTimeout:
        let limit = wholeSeconds(HTTPSender.connectTimeoutSeconds(timeoutSeconds))
        return "timed out after \(limit) s connecting to \(place.text)"
      case .readTimeout, .writeTimeout, .deadlineExceeded, .getConnectionFromPoolTimeout:
        return "timed out after \(seconds) s waiting for \(place.text)"
      case .tlsHandshakeTimeout:
        return "TLS handshake with \(place.text) failed: timed out"
      case .remoteConnectionClosed, .uncleanShutdown:
        return "\(place.text) closed the connection before answering"
      default:
        return "request to \(place.text) failed: \(client)"
      }
    default:
      // NIOSSL is AsyncHTTPClient's dependency, not ours: its errors are known by their module.
      if String(reflecting: type(of: error)).hasPrefix("NIOSSL.") {
        return "TLS handshake with \(place.text) failed: \(error)"
      }
      return "request to \(place.text) failed: \(error)"
    }
  }

  /// A connection's `errno` in words.
  static func words(errno code: Int32, place: Place) -> String {
    switch code {
    case ECONNREFUSED: return "connection refused by \(place.text)"
    case ETIMEDOUT: return "timed out connecting to \(place.text)"
    case ECONNRESET:
      return "connection to \(place.text) failed: connection reset by peer (ECONNRESET)"
    case EPIPE:
      return "connection to \(place.text) failed: closed by the receiver while sending (EPIPE)"
    case EHOSTUNREACH: return "no route to \(place.text) (EHOSTUNREACH)"
    case ENETUNREACH: return "network unreachable for \(place.text) (ENETUNREACH)"
    default: return "connection to \(place.text) failed: \(FileIOError.words(errno: code))"
    }
  }

  /// Seconds as a person reads them: `7`, `0.5`.
  private static func wholeSeconds(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
  }
}
