import ArgumentParser
import Foundation
import Research

/// Options shared by the researcher commands (evaluate, tune, report, export): which thresholds
/// are in force.
struct ResearchThresholdOptions: ParsableArguments {
  @Option(
    name: .long, parsing: .singleValue,
    help: ArgumentHelp(
      "Threshold for a class, as class=value (repeatable); wins over --config and the run's own.",
      valueName: "class=value"))
  var threshold: [String] = []

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Config file whose \"thresholds\" (per-site ones included) apply.", valueName: "file"))
  var config: String?

  /// `--threshold` values by class name.
  func overrides() throws -> [String: Double] {
    var out: [String: Double] = [:]
    for text in threshold {
      let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, ["animal", "person", "vehicle"].contains(parts[0].lowercased()),
        let value = Double(parts[1]), (0...1).contains(value)
      else {
        throw ValidationError(
          "--threshold \(text): expected animal=, person= or vehicle= with a value in 0...1")
      }
      out[parts[0].lowercased()] = value
    }
    return out
  }

  func validate() throws { _ = try overrides() }
}

/// Prints `lookout: <error>` on stderr and exits with status 1 (the command could not run).
func exitReporting(_ error: ResearchError) -> Never {
  FileHandle.standardError.write(Data("lookout: \(error)\n".utf8))
  Foundation.exit(1)
}

/// Writes `text` and a newline to standard error.
func printToStandardError(_ text: String) {
  FileHandle.standardError.write(Data((text + "\n").utf8))
}
