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

  @OptionGroup var thresholds: ThresholdOptions

  @Flag(name: [.short, .long], help: "No summary on stderr.")
  var quiet = false

  func validate() throws {
    guard !thresholds.threshold.isEmpty else {
      throw ValidationError("give at least one --threshold")
    }
  }

  func run() throws {
    do {
      let scan = try FinishedScan.load(directory: folder)
      var thresholds = scan.thresholds
      for assignment in self.thresholds.assignments { thresholds.apply(assignment) }
      let alerts = try scan.rethreshold(thresholds)
      if !quiet {
        FileHandle.standardError.write(
          Data(
            "\(alerts.count) alerts at person=\(thresholds.person) vehicle=\(thresholds.vehicle) (\(scan.imageCount) images)\n"
              .utf8))
      }
    } catch {
      throw failure("\(error)")
    }
  }
}
