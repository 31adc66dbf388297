import ArgumentParser
import Formats
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

      --config FILE takes the thresholds `lookout tune` wrote into it: its classes replace the \
      scan's, its per-site thresholds are added to the scan's (replacing the same site's and \
      class's), and --threshold still wins over its classes.

      The scan's static rule applies unless --keep-static or --static-* options change it; \
      rethresholding marks and holds back the same static detections a scan would.

      Examples:
        lookout rethreshold triage/ --threshold person=0.35 --threshold vehicle=0.6
        lookout rethreshold triage/ --config lookout.json
        lookout rethreshold triage/ --keep-static
      """)

  @Argument(help: "A finished scan's output folder.")
  var folder: String

  @OptionGroup var thresholds: ThresholdOptions

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Config file whose \"thresholds\" (written by `lookout tune`) apply; --threshold wins.",
      valueName: "file"))
  var config: String?

  @OptionGroup var staticOptions: StaticOptions

  @Flag(name: [.short, .long], help: "No summary on stderr.")
  var quiet = false

  func validate() throws {
    guard !thresholds.threshold.isEmpty || config != nil || staticOptions.isGiven else {
      throw ValidationError(
        "give --config FILE, at least one --threshold, or --keep-static/--static-* options")
    }
  }

  func run() throws {
    do {
      var scan = try FinishedScan.load(directory: folder)
      var thresholds = scan.thresholds
      if let config {
        let configured = try LookoutConfig.read(path: config).thresholds(path: config)
        thresholds = configured.resolved(defaults: thresholds, site: nil)
        var sites = scan.alerting.siteThresholds
        for (site, classes) in configured.sites {
          for (name, value) in classes { sites[site, default: [:]][name] = value }
        }
        scan.alerting = try AlertingSettings(
          siteThresholds: sites, deployments: scan.alerting.deployments,
          areas: scan.alerting.areas, given: scan.alerting.given)
      }
      for assignment in self.thresholds.assignments { thresholds.apply(assignment) }
      let alerts = try scan.rethreshold(
        thresholds, staticRule: staticOptions.rule(over: scan.staticRule))
      if !quiet {
        let held = StaticOptions.heldBackLine(FinishedScan.heldBackAsStatic(directory: folder))
        FileHandle.standardError.write(
          Data(
            ("\(alerts.count) alert\(alerts.count == 1 ? "" : "s") at person=\(thresholds.person) "
              + "vehicle=\(thresholds.vehicle) "
              + "(\(ScanCommand.scannedFiles(images: scan.imageCount, clips: scan.clipCount)))\n"
              + (held ?? "")).utf8))
      }
    } catch {
      throw failure("\(error)")
    }
  }
}
