import Foundation
import Testing

@testable import Watch

/// Tokens that cannot go into an HTTP header are refused at startup without being printed, and
/// every form of a token (as given, escaped, quoted, percent-encoded) is removed from messages.
@Suite struct TokenTests {
  static let secret = "REALTOKEN-abc123"
  /// A token file with a second line: the form that leaked.
  static let twoLines = "REALTOKEN-abc123\n# rotated"

  @Test func aTokenFileWithASecondLineIsRefusedWithoutPrintingIt() throws {
    let folder = TestFolder("token-lines")
    defer { folder.remove() }
    let path = folder.path + "/hook.token"
    TestFiles.write(Self.twoLines + "\n", to: path)
    do {
      let token = try SecretToken.load(TokenSource(file: path), sink: "webhook")
      Issue.record("accepted a token with a line break: \(token?.count ?? 0) characters")
    } catch {
      #expect(error.description.contains(path))
      #expect(error.description.contains("line break"))
      #expect(!error.description.contains("REALTOKEN"))
    }
  }

  @Test(arguments: ["abc\ndef", "abc\rdef", "abc def", "abc\tdef", "abc\u{0}def", "abcé"])
  func anEnvironmentTokenThatCannotBeAHeaderIsRefused(_ token: String) throws {
    #expect(throws: WatchError.self) {
      _ = try SecretToken.load(
        TokenSource(environmentVariable: "ER_TOKEN"), sink: "earthranger",
        environment: ["ER_TOKEN": token])
    }
    do {
      _ = try SecretToken.load(
        TokenSource(environmentVariable: "ER_TOKEN"), sink: "earthranger",
        environment: ["ER_TOKEN": token])
    } catch {
      #expect(error.description.contains("ER_TOKEN"))
      #expect(!error.description.contains("abc"))
    }
  }

  @Test func ordinaryTokensStillLoad() throws {
    for token in ["s3cret-token-4f9a", "eyJhbGciOi.J9.x_y~z+/=", "  padded  "] {
      #expect(
        try SecretToken.load(
          TokenSource(environmentVariable: "T"), sink: "webhook", environment: ["T": token])
          == token.trimmingCharacters(in: .whitespaces))
    }
  }

  /// The message AsyncHTTPClient/NIO gives for a bad header prints the value Swift-escaped
  /// inside an array: the raw token is not in it, the escaped one is.
  @Test func theRedactorRemovesEscapedQuotedAndPercentEncodedForms() {
    let tokens = [Self.twoLines, "quote\"back\\slash\ttab", "caf\u{e9}-\u{1}"]
    let redactor = Redactor(secrets: tokens)
    for token in tokens {
      let forms = [
        token,
        "invalidHeaderFieldValues(\(["Bearer " + token]))",
        String(reflecting: token),
        token.debugDescription,
        token.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!,
        token.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!,
        String(decoding: try! JSONEncoder().encode(token), as: UTF8.self),
      ]
      for form in forms {
        let cleaned = redactor.clean("error: \(form) (stored)")
        #expect(!cleaned.contains("REALTOKEN"), "\(cleaned)")
        #expect(!cleaned.contains("quote") && !cleaned.contains("slash"), "\(cleaned)")
        #expect(!cleaned.contains("caf"), "\(cleaned)")
        #expect(cleaned.contains("[redacted]"), "\(cleaned)")
      }
    }
  }

  @Test func theCommandRefusesABadTokenWithExit1AndDoesNotPrintIt() throws {
    let folder = TestFolder("token-cli")
    defer { folder.remove() }
    let inbox = folder.sub("inbox")
    let tokenFile = folder.path + "/hook.token"
    TestFiles.write(Self.twoLines + "\n", to: tokenFile)
    let webhook = try LookoutRun.run([
      "watch", inbox, "--out", folder.path + "/out", "--once",
      "--webhook-url", "http://127.0.0.1:9/hook", "--webhook-token-file", tokenFile,
    ])
    #expect(webhook.status == 1, "\(webhook.stderr)")
    #expect(webhook.stderr.contains(tokenFile))
    #expect(!webhook.stderr.contains("REALTOKEN"))

    let earthRanger = try LookoutRun.run(
      [
        "watch", inbox, "--out", folder.path + "/out2", "--once",
        "--earthranger-url", "https://reserve.example.org",
      ], environment: ["LOOKOUT_EARTHRANGER_TOKEN": Self.twoLines])
    #expect(earthRanger.status == 1, "\(earthRanger.stderr)")
    #expect(earthRanger.stderr.contains("LOOKOUT_EARTHRANGER_TOKEN"))
    #expect(!earthRanger.stderr.contains("REALTOKEN"))
  }
}
