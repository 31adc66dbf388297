import Foundation
import Testing

@testable import Watch

/// `lookout watch`'s options are declared once (``WatchOptions``): every config key in the
/// table is read by the config file's reader, and every flag is in `lookout watch --help` with
/// the help and default the table gives it.
@Suite struct WatchOptionTableTests {
  /// A config document whose `watch` member sets `key` (dotted for nested members) to `value`.
  static func document(_ key: String, _ value: String) -> [UInt8] {
    let parts = key.split(separator: ".").map(String.init)
    var member = "\"\(parts[parts.count - 1])\": \(value)"
    for part in parts.dropLast().reversed() { member = "\"\(part)\": {\(member)}" }
    return Array("{\"watch\": {\(member)}}".utf8)
  }

  @Test func everyConfigKeyInTheTableIsRead() {
    #expect(WatchOptions.all.count >= 25)
    #expect(Set(WatchOptions.all.map(\.configKey)).count == WatchOptions.all.count)
    #expect(Set(WatchOptions.all.map(\.flag)).count == WatchOptions.all.count)
    for option in WatchOptions.all {
      // One of these is the option's type; the others are refused as the wrong type, never as
      // an unknown member.
      var read: [WatchSettings] = []
      for value in ["\"inside\"", "7", "true"] {
        do {
          read.append(
            try WatchConfigFile.parse(
              Self.document(option.configKey, value), path: "c.json", folder: "/cfg"))
        } catch {
          #expect(!error.description.contains("unknown member"), "\(option.configKey): \(error)")
        }
      }
      #expect(read.count == 1, "\(option.configKey) was read from \(read.count) kinds of value")
      #expect(read.first != WatchSettings(), "\(option.configKey) set nothing")
    }
  }

  @Test func aDefaultIsTheValueTheResolvedConfigurationUses() throws {
    var settings = WatchSettings()
    settings.inbox = "/in"
    settings.output = "/out"
    let resolved = try settings.resolved()
    #expect(resolved.settleSeconds == WatchOptions.settle.defaultValue)
    #expect(resolved.maxAttempts == WatchOptions.maxAttempts.defaultValue)
    #expect(resolved.jobs == WatchOptions.jobs.defaultValue)
    #expect(resolved.groupWindowSeconds == WatchOptions.groupWindow.defaultValue)
    #expect(resolved.delivery.retryMaxSeconds == WatchOptions.retryMax.defaultValue)
    #expect(resolved.delivery.retryBaseSeconds == WatchOptions.retryBase.defaultValue)
    #expect(resolved.delivery.onceWaitSeconds == WatchOptions.deliveryWait.defaultValue)
    #expect(WatchOptions.retryMax.help?.contains("(default 600;") == true)
    #expect(WatchOptions.settle.help?.contains("(default 15;") == true)
  }
}

/// What the built `lookout` prints for `--help`.
@Suite(.enabled(if: CrashTests.executable() != nil, "needs the built lookout executable"))
struct WatchHelpTests {
  /// `lookout <arguments>`'s standard output, with every run of white space made one space (so
  /// the help's line wrapping does not matter).
  static func helpText(_ arguments: [String]) throws -> String {
    let lookout = try #require(CrashTests.executable())
    let process = Process()
    process.executableURL = URL(fileURLWithPath: lookout)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle(forWritingAtPath: "/dev/null")
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace)
      .joined(separator: " ")
  }

  @Test func everyFlagIsInTheHelpWithItsDefault() throws {
    let help = try Self.helpText(["watch", "--help"])
    for option in WatchOptions.all {
      // "--flag <value>", or "--flag, --alias <value>" where the option has a second name.
      #expect(
        help.contains("--\(option.flag) ") || help.contains("--\(option.flag), "),
        "--\(option.flag) missing from the help")
      if let text = option.help {
        let words = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains(words), "--\(option.flag): \(words)")
      }
      if let shown = option.shownDefault {
        #expect(help.contains("default \(shown)"), "--\(option.flag): default \(shown)")
      }
    }
  }

  /// `--tile` is one option group (DetectorOptions): scan's help and watch's read the same.
  @Test func scanAndWatchDescribeTileInTheSameWords() throws {
    func tileHelp(_ command: String) throws -> String {
      let help = try Self.helpText([command, "--help"])
      let start = try #require(help.range(of: "--tile <tile> "))
      let rest = help[start.upperBound...]
      let end = rest.range(of: " --")?.lowerBound ?? rest.endIndex
      return String(rest[..<end])
    }
    let scan = try tileHelp("scan")
    #expect(scan.hasPrefix("Tile large images"), "\(scan)")
    #expect(try tileHelp("watch") == scan)
  }
}
