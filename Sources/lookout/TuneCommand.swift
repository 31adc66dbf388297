import ArgumentParser
import Formats
import LookoutCore
import Research

/// `lookout tune`: choose per-class thresholds for a goal and write them into the config file.
struct TuneCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tune",
    abstract: "Choose alert thresholds per class (and site) for a recall, precision or F1 goal.",
    discussion: """
      Prints, per class, the trade-off table (threshold, recall, precision, F1, images flagged \
      per 1,000) with the chosen threshold marked, then writes the thresholds into the config \
      file's "thresholds" member (other members are kept; the file is created if missing). \
      scan and watch read it with --config. Each choice says how many truth images of the \
      class it was made from and the 95% Wilson interval of the recall it promises; thresholds \
      chosen from fewer than 30 images of a class are not written (exit 1) unless --force.

      Goals: recall=R (highest threshold that finds at least R of the images with the class), \
      precision=P (lowest threshold that is right at least P of the time), f1 (best F1).

      Examples:
        lookout tune triage/ --truth labels.csv --goal recall=0.95 --config lookout.json
        lookout tune triage/detections.json --truth labels.csv --goal f1 \\
          --class-goal person:recall=0.98 --per-site --config lookout.json
      """)

  @Argument(help: "The detections file of a run over labelled images, or its scan folder.")
  var detections: String

  @Option(
    name: .long, help: ArgumentHelp("Ground-truth file (repeatable; merged).", valueName: "file"))
  var truth: [String] = []

  @Option(name: .long, help: "The goal for every class: recall=R, precision=P or f1.")
  var goal: String = "f1"

  @Option(
    name: .long, parsing: .singleValue,
    help: ArgumentHelp(
      "A goal for one class, e.g. person:recall=0.98 (repeatable).", valueName: "class:goal"))
  var classGoal: [String] = []

  @Option(
    name: .customLong("class"), parsing: .singleValue, help: "Tune only this class (repeatable).")
  var classes: [String] = []

  @Flag(name: .long, help: "Also choose thresholds per site (first folder of the path).")
  var perSite = false

  @Option(name: .long, help: "Truth images of a class a site needs to get its own threshold.")
  var minSitePositives: Int = 10

  @Option(name: .long, help: ArgumentHelp("Config file to update.", valueName: "file"))
  var config: String?

  @Flag(name: .long, help: "Print the tables and choices without writing the config file.")
  var dryRun = false

  @Flag(
    name: .long,
    help: "Write thresholds even when a class has fewer than 30 truth images to choose from.")
  var force = false

  func parsedClassGoals() throws -> [String: ThresholdGoal] {
    var out: [String: ThresholdGoal] = [:]
    for text in classGoal {
      let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
      guard parts.count == 2, DetectionClass(name: parts[0].lowercased()) != nil,
        let goal = ThresholdGoal(parts[1])
      else {
        throw ValidationError("--class-goal \(text): expected e.g. person:recall=0.95")
      }
      out[parts[0].lowercased()] = goal
    }
    return out
  }

  func validate() throws {
    guard !truth.isEmpty else { throw ValidationError("--truth is required") }
    guard ThresholdGoal(goal) != nil else {
      throw ValidationError("--goal \(goal): expected recall=R, precision=P (0...1) or f1")
    }
    _ = try parsedClassGoals()
    for c in classes where DetectionClass(name: c.lowercased()) == nil {
      throw ValidationError("--class \(c): expected animal, person or vehicle")
    }
    guard config != nil || dryRun else {
      throw ValidationError("give --config FILE to write the thresholds, or --dry-run")
    }
    guard minSitePositives >= 1 else {
      throw ValidationError("--min-site-positives must be positive")
    }
  }

  func run() throws {
    let chosen = classes.compactMap { DetectionClass(name: $0.lowercased()) }
    let job = TuneJob(
      detections: detections, truth: truth, goal: ThresholdGoal(goal)!,
      classGoals: try parsedClassGoals(),
      classes: chosen.isEmpty ? DetectionClass.allCases : chosen,
      perSite: perSite, minimumSitePositives: minSitePositives, configPath: dryRun ? nil : config,
      force: force)
    do {
      let result = try job.run()
      print(TuneJob.text(result))
      if let config, !dryRun { printToStandardError("Wrote the thresholds into \(config)") }
    } catch {
      throw failure("\(error)")
    }
  }
}
