import Foundation

/// A webhook or EarthRanger URL, checked before any request is made: `http` or `https`, a host,
/// a port in 1...65535 when one is given, no user name or password, and nothing a request could
/// not carry (spaces, control or non-ASCII characters). A URL that passed a looser check used to
/// reach NIO with port 65536 and crash every delivery.
public struct SinkURL: Sendable, Equatable {
  /// `http` or `https`, lower-case.
  public var scheme: String
  public var host: String
  /// The port given in the URL, or the scheme's (80, 443).
  public var port: Int

  /// Checks `text`. Errors are ``WatchError/option(reason:)`` naming `option`
  /// (`--webhook-url`) and what is wrong; they never repeat the URL, which may hold a secret.
  public static func parse(_ text: String, option: String) throws(WatchError) -> SinkURL {
    func refuse(_ why: String) -> WatchError { .option(reason: "\(option): \(why)") }
    for scalar in text.unicodeScalars {
      switch scalar.value {
      case 0x20: throw refuse("the URL contains a space (percent-encode it as %20)")
      case 0..<0x20, 0x7F: throw refuse("the URL contains a control character")
      case 0x80...: throw refuse("the URL contains a non-ASCII character (use the xn-- form)")
      default: continue
      }
    }
    guard let separator = text.range(of: "://") else {
      throw refuse("expected an http or https URL such as https://alerts.example.org/hook")
    }
    let scheme = text[..<separator.lowerBound].lowercased()
    guard scheme == "http" || scheme == "https" else {
      throw refuse("expected an http or https URL, not \(scheme.isEmpty ? "no scheme" : scheme)")
    }
    let rest = text[separator.upperBound...]
    let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    if authority.contains("@") {
      throw refuse(
        "the URL holds credentials; give the token through an environment variable or a file")
    }
    var host = Substring(authority)
    var portText: Substring?
    if authority.hasPrefix("[") {
      guard let close = authority.firstIndex(of: "]") else {
        throw refuse("the IPv6 host has no closing ]")
      }
      host = authority[authority.index(after: authority.startIndex)..<close]
      let after = authority[authority.index(after: close)...]
      if !after.isEmpty {
        guard after.hasPrefix(":") else { throw refuse("unexpected text after the IPv6 host") }
        portText = after.dropFirst()
      }
      guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
        throw refuse("the IPv6 host is not an IPv6 address")
      }
    } else if let colon = authority.firstIndex(of: ":") {
      host = authority[..<colon]
      portText = authority[authority.index(after: colon)...]
    }
    guard !host.isEmpty else { throw refuse("the URL has no host") }
    if !authority.hasPrefix("[") {
      let allowed = host.allSatisfy {
        $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_")
      }
      guard allowed else {
        throw refuse("the host may hold only letters, digits, '-', '_' and '.'")
      }
    }
    var port = scheme == "https" ? 443 : 80
    if let portText, !portText.isEmpty {
      guard portText.allSatisfy({ $0.isASCII && $0.isNumber }) else {
        throw refuse("the port \"\(portText.prefix(12))\" is not a number")
      }
      guard portText.count <= 5, let value = Int(portText), (1...65535).contains(value) else {
        throw refuse("the port \(portText.prefix(24)) is not in 1-65535")
      }
      port = value
    }
    // What the HTTP client will make of it must agree.
    guard let url = URL(string: text), let parsedHost = url.host, !parsedHost.isEmpty,
      url.user == nil, url.password == nil, url.port.map({ (1...65535).contains($0) }) ?? true
    else { throw refuse("the URL cannot be read") }
    return SinkURL(scheme: scheme, host: String(host), port: port)
  }
}
