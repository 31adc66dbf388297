import Foundation
import Formats
import Testing

@testable import Pipeline

/// File names with control characters (ESC, CR, BEL...) never reach the terminal raw: they
/// could rewrite the screen or hide a line. They are shown escaped (`\x1B`).
@Suite(.enabled(if: Repository.lookoutExecutable != nil, "needs the built lookout executable"))
struct TerminalEscapeTests {
  static func controlBytes(_ text: String) -> [UInt8] {
    text.utf8.filter { ($0 < 0x20 && $0 != 0x0A) || $0 == 0x7F }
  }

  @Test func alertAndFailureLinesEscapeControlCharacters() throws {
    let folder = try TemporaryFolder("terminal-escape")
    defer { folder.remove() }
    let card = folder.sub("card")
    let jpeg = try Repository.sampleBytes(Repository.thermalSamples[0])
    try writeFile(card + "/cam/\u{1B}]0;pwned\u{07}IMG.JPG", jpeg)
    try writeFile(card + "/cam/cut\r\u{1B}[2Kclean.jpg", Array(jpeg.prefix(jpeg.count / 2)))
    let ending = try LookoutProcess.run(
      ["scan", card, "--out", folder.sub("out")] + alertEverythingArguments,
      outputPath: folder.sub("scan.log"))
    #expect(ending.status == 0, "\(ending)")
    #expect(Self.controlBytes(ending.output).isEmpty, "\(Array(ending.output.utf8))")
    #expect(ending.output.contains(#"cam/\x1B]0;pwned\x07IMG.JPG"#), "\(ending)")
    #expect(ending.output.contains(#"cam/cut\x0D\x1B[2Kclean.jpg: truncated"#), "\(ending)")
    // The outputs keep the real name.
    #expect(
      readBytes(folder.sub("out/alerts.jsonl")).count > 0
        && String(decoding: readBytes(folder.sub("out/alerts.jsonl")), as: UTF8.self)
          .contains(#"\u001b]0;pwned\u0007IMG.JPG"#)
    )
  }

  @Test func errorMessagesEscapeControlCharacters() throws {
    let folder = try TemporaryFolder("terminal-escape-error")
    defer { folder.remove() }
    let ending = try LookoutProcess.run(
      ["scan", folder.sub("no\u{1B}[31mcard\u{9B}2J"), "--out", folder.sub("out")],
      outputPath: folder.sub("scan.log"))
    #expect(ending.status == 1, "\(ending)")
    #expect(Self.controlBytes(ending.output).isEmpty, "\(ending.output.debugDescription)")
    #expect(!ending.output.unicodeScalars.contains("\u{9B}"), "\(ending.output.debugDescription)")
    #expect(ending.output.contains(#"no\x1B[31mcard\u{9B}2J"#), "\(ending)")
  }
}
