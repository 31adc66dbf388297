import Foundation

/// Loads sink tokens from where ``TokenSource`` says (an environment variable or a file; never
/// the command line, where `ps` and shell history would show them).
public enum SecretToken {
  /// The token, or nil when the source names nothing. A named variable that is unset or empty,
  /// or a file that cannot be read or is empty, is an error (naming the variable or file, never
  /// the token).
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
      return token
    }
    if let name = source.environmentVariable {
      guard let token = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines),
        !token.isEmpty
      else { throw .sink(name: sink, reason: "the environment variable \(name) is not set") }
      return token
    }
    return nil
  }
}

/// Removes secrets from any text that is logged or stored (error messages, response bodies).
public struct Redactor: Sendable {
  private let secrets: [String]

  public init(secrets: [String?]) {
    self.secrets = secrets.compactMap { $0 }.filter { !$0.isEmpty }
  }

  public func clean(_ text: String) -> String {
    var out = text
    for secret in secrets { out = out.replacingOccurrences(of: secret, with: "[redacted]") }
    return out
  }
}
