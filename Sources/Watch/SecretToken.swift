import Foundation

/// Loads sink tokens from where ``TokenSource`` says (an environment variable or a file; never
/// the command line, where `ps` and shell history would show them).
public enum SecretToken {
  /// The token, or nil when the source names nothing. A named variable that is unset or empty,
  /// a file that cannot be read or is empty, and a token that cannot go into an HTTP header (a
  /// second line, a space, a control or non-ASCII character) are errors, naming the variable or
  /// file, never the token.
  public static func load(
    _ source: TokenSource, sink: String,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(WatchError) -> String? {
    if let file = source.file {
      guard let data = FileManager.default.contents(atPath: file) else {
        throw .sink(name: sink, reason: "cannot read the token file \(file)")
      }
      let token = String(decoding: data, as: UTF8.self).trimmingCharacters(
        in: .whitespacesAndNewlines)
      guard !token.isEmpty else {
        throw .sink(name: sink, reason: "the token file \(file) is empty")
      }
      try check(token, from: "the token file \(file)", sink: sink)
      return token
    }
    if let name = source.environmentVariable {
      guard let token = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines),
        !token.isEmpty
      else { throw .sink(name: sink, reason: "the environment variable \(name) is not set") }
      try check(token, from: "the environment variable \(name)", sink: sink)
      return token
    }
    return nil
  }

  /// A token goes into an `Authorization: Bearer` header, so it must be one line of printable
  /// ASCII without spaces. Anything else (typically a token file with a second line) would be
  /// refused by the HTTP client on every request, with the token in the error message.
  static func check(_ token: String, from source: String, sink: String) throws(WatchError) {
    for scalar in token.unicodeScalars {
      let problem: String
      switch scalar.value {
      case 0x21...0x7E: continue
      case 0x0A, 0x0D: problem = "a line break (a second line?)"
      case 0x20, 0x09: problem = "a space or tab"
      case 0..<0x20, 0x7F: problem = "a control character"
      default: problem = "a non-ASCII character"
      }
      throw .sink(
        name: sink,
        reason: "\(source) holds \(problem); a token must be one line of printable ASCII "
          + "without spaces (it is sent in an HTTP header)")
    }
  }
}

/// Removes secrets from any text that is logged or stored (error messages, response bodies), in
/// every form they may take there: as given, escaped the way Swift and JSON print strings
/// (`\n`, `\"`, `\u{01}`), and percent-encoded.
public struct Redactor: Sendable {
  /// Every form of every secret, longest first (so that a form containing another goes whole).
  private let forms: [String]

  public init(secrets: [String?]) {
    var forms: Set<String> = []
    for secret in secrets.compactMap({ $0 }) where !secret.isEmpty {
      forms.formUnion(Self.forms(of: secret))
    }
    self.forms = forms.filter { !$0.isEmpty }.sorted {
      $0.utf8.count != $1.utf8.count ? $0.utf8.count > $1.utf8.count : $0 < $1
    }
  }

  public func clean(_ text: String) -> String {
    var out = text
    for form in forms { out = out.replacingOccurrences(of: form, with: "[redacted]") }
    return out
  }

  /// The secret as given, Swift-escaped, JSON-escaped and percent-encoded.
  static func forms(of secret: String) -> [String] {
    var forms = [secret, String(secret.debugDescription.dropFirst().dropLast())]
    if let json = try? JSONEncoder().encode(secret) {
      forms.append(String(decoding: json.dropFirst().dropLast(), as: UTF8.self))
    }
    let sets: [CharacterSet] = [
      .alphanumerics, .urlQueryAllowed, .urlPathAllowed, .urlHostAllowed, .urlUserAllowed,
      .urlPasswordAllowed, .urlFragmentAllowed,
    ]
    for set in sets {
      if let encoded = secret.addingPercentEncoding(withAllowedCharacters: set) {
        forms.append(encoded)
      }
    }
    return forms
  }
}
