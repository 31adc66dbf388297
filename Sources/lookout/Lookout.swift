import ArgumentParser

/// The `lookout` command: subcommands only; each hands a plain configuration to a library.
@main
struct Lookout: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lookout",
    abstract: "Find people, vehicles and animals in camera-trap and drone images.",
    discussion: """
      Lookout reads every image on a card or in a folder, runs a small detector on the CPU, and \
      writes MegaDetector-format detections plus alert records for images with people or \
      vehicles.

      Examples:
        lookout scan /media/SDCARD --out ~/triage/2026-11-25
        lookout scan /media/SDCARD --out ~/triage/2026-11-25 --resume
        lookout scan uploads/ --out results/ --threshold person=0.4 --jobs 4
        lookout watch /srv/inbox --out /srv/triage --once
        lookout evaluate results/detections.json --truth labels.csv --out eval/
        lookout tune results/detections.json --truth labels.csv --goal recall=0.95 --config lookout.json
        lookout report results/ --images uploads/
        lookout export camtrap-dp results/ --deployments deployments.csv --out package/ --contributor "Team"
      """,
    version: LookoutVersion.string,
    subcommands: [
      ScanCommand.self, WatchCommand.self, MergeCommand.self, RethresholdCommand.self,
      EvaluateCommand.self, TuneCommand.self, ReportCommand.self, ExportCommand.self,
    ]
  )
}

enum LookoutVersion {
  static let string = "0.1.0"
}
