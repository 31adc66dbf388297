import ArgumentParser
import LookoutCore

/// `--threshold class=value`: the same flag, parsed the same way (``ThresholdAssignment``), for
/// `scan`, `watch`, `rethreshold` and the researcher commands.
struct ThresholdOptions: ParsableArguments {
  @Option(
    name: .long, parsing: .singleValue,
    help: ArgumentHelp(
      "Threshold for a class, as class=value (repeatable).", valueName: "class=value"))
  var threshold: [String] = []

  /// The thresholds given, in order (all valid once ``validate()`` has passed).
  var assignments: [ThresholdAssignment] {
    threshold.compactMap(ThresholdAssignment.init(parsing:))
  }

  func validate() throws {
    for text in threshold where ThresholdAssignment(parsing: text) == nil {
      throw ValidationError("--threshold \(text): \(ThresholdAssignment.expected)")
    }
  }
}
