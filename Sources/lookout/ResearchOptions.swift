import ArgumentParser
import Foundation

/// Options shared by the researcher commands (evaluate, report, export, redacted): which
/// thresholds are in force. `--threshold` wins over `--config`, which wins over the run's own.
struct ResearchThresholdOptions: ParsableArguments {
  @OptionGroup var threshold: ThresholdOptions

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Config file whose \"thresholds\" (per-site ones included) apply over the run's own; "
        + "--threshold wins over it.",
      valueName: "file"))
  var config: String?

  /// `--threshold` values by class name.
  func overrides() -> [String: Double] {
    var out: [String: Double] = [:]
    for assignment in threshold.assignments {
      out[assignment.detectionClass.name] = assignment.value
    }
    return out
  }
}

/// Writes `text` and a newline to standard error.
func printToStandardError(_ text: String) {
  FileHandle.standardError.write(Data((text + "\n").utf8))
}
