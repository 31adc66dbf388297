import ArgumentParser
import Foundation
import LookoutCore
import Pipeline

/// `lookout rethreshold`: new alert thresholds for a finished scan, without the network.
struct RethresholdCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rethreshold",
    abstract: "Re-derive a finished scan's alerts with new thresholds, without rescanning.",
    discussion: """
      Rewrites alerts.jsonl, alerts.csv, summary.json and detections.json in the scan's output \
      folder from its stored detections (kept down to the scan's --min-confidence). Classes not \
      named keep their current thresholds. The scan's per-site thresholds, --deployments and \
      --areas (kept in <folder>/.lookout/) still apply: a site's own threshold for a class wins \
      over the one given here.

      Example:
        lookout rethreshold triage/ --threshold person=0.35 --threshold vehicle=0.6
      """)

  @Argument(help: "A finished scan's output folder.")
  var folder: String

  @Option(
    name: .long, parsing: .singleValue,
    help: ArgumentHelp("New threshold, as class=value (repeatable).", valueName: "class=value"))
  var threshold: [String] = []

  @Flag(name: [.short, .long], help: "No summary on stderr.")
  var quiet = false

  func validate() throws {
    guard !threshold.isEmpty else { throw ValidationError("give at least one --threshold") }
    var probe = AlertThresholds(animal: 0, person: 0, vehicle: 0)
    for text in threshold where !probe.apply(override: text) {
      throw ValidationError(
        "--threshold \(text): expected animal=, person= or vehicle= with a value in 0...1")
    }
  }

  func run() throws {
    do {
      let scan = try FinishedScan.load(directory: folder)
      var thresholds = scan.thresholds
      for text in threshold { _ = thresholds.apply(override: text) }
      let alerts = try scan.rethreshold(thresholds)
      if !quiet {
        FileHandle.standardError.write(
          Data(
            "\(alerts.count) alerts at person=\(thresholds.person) vehicle=\(thresholds.vehicle) (\(scan.imageCount) images)\n"
              .utf8))
      }
    } catch {
      fail("\(error)")
    }
  }
}
