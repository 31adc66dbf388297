import Formats
import LookoutCore

/// What `lookout tune` does: choose per-class (and optionally per-site) thresholds for a goal
/// from one run and its ground truth, and write them into the config file's `thresholds`.
public struct TuneJob: Sendable {
  /// A detections file, or a scan's output folder (its `detections.json` is read).
  public var detections: String
  public var truth: [String]
  /// The goal for every class without its own.
  public var goal: ThresholdGoal
  /// Per-class goals (class name → goal).
  public var classGoals: [String: ThresholdGoal]
  /// Classes to tune (default all three).
  public var classes: [DetectionClass]
  /// Also choose thresholds per site (the first folder of the path).
  public var perSite: Bool
  /// A site gets its own threshold for a class only with at least this many truth images of it.
  public var minimumSitePositives: Int
  /// The config file to update (created when missing); nil to write nothing.
  public var configPath: String?
  /// A class's threshold is written only when the truth has at least this many images of it
  /// (``defaultMinimumPositives``), unless ``force``: fewer promise a recall the interval
  /// printed beside it shows to be far from sure.
  public var minimumPositives: Int
  /// Write thresholds chosen from fewer than ``minimumPositives`` images of their class.
  public var force: Bool

  /// 30 images of a class: a recall of 0.95 measured on them is, with 95% confidence, at least
  /// about 0.8 (Wilson); on 14 it could be below 0.7.
  public static let defaultMinimumPositives = 30

  public init(
    detections: String, truth: [String], goal: ThresholdGoal,
    classGoals: [String: ThresholdGoal] = [:],
    classes: [DetectionClass] = DetectionClass.allCases, perSite: Bool = false,
    minimumSitePositives: Int = 10, configPath: String? = nil,
    minimumPositives: Int = TuneJob.defaultMinimumPositives, force: Bool = false
  ) {
    self.detections = detections
    self.truth = truth
    self.goal = goal
    self.classGoals = classGoals
    self.classes = classes
    self.perSite = perSite
    self.minimumSitePositives = minimumSitePositives
    self.configPath = configPath
    self.minimumPositives = minimumPositives
    self.force = force
  }

  /// One class's choice, with the table it was chosen from.
  public struct Choice: Sendable, Equatable {
    public var detectionClass: DetectionClass
    /// Nil for the whole run, else the site.
    public var site: String?
    public var goal: ThresholdGoal
    /// Nil when nothing could be chosen (the class is never in the truth or never detected).
    public var tuned: TunedThreshold?
    /// The threshold in force before (config, else the run's).
    public var previous: Double
    public var table: TradeOffTable
    public var images: Int
    /// Images of the class in the truth (at this site): the sample the choice was made from.
    public var positives: Int

    /// The recall the chosen threshold promises, with its 95% Wilson interval; nil when nothing
    /// was chosen.
    public var recallInterval: RecallInterval? {
      tuned.flatMap {
        RecallInterval(
          found: $0.point.truePositives,
          positives: $0.point.truePositives + $0.point.falseNegatives)
      }
    }
  }

  public struct Result: Sendable, Equatable {
    public var choices: [Choice]
    /// What was (or would be) written into `thresholds`.
    public var settings: ClassThresholds
    /// Alerts per 1,000 images and alert precision/recall with the new thresholds.
    public var alertsBefore: OperatingPoint
    public var alertsAfter: OperatingPoint
  }

  /// Chooses the thresholds and writes the config file (when one is given).
  public func run() throws(ResearchError) -> Result {
    let truth = try TruthLoader.read(paths: truth)
    let run = try DetectionRun.read(path: ReviewJob.detectionsFile(detections))
    var config = LookoutConfig()
    var existing = ClassThresholds()
    if let configPath {
      do {
        config = try LookoutConfig.read(path: configPath, missingIsEmpty: true)
        existing = try config.thresholds(path: configPath)
      } catch {
        throw .config(error)
      }
    }
    let before = ClassThresholds.resolve(
      overrides: [:], config: existing, recorded: run.recordedThresholds)
    let evaluation = Evaluator(truth: truth).evaluate([(run, before)]).runs[0]
    guard evaluation.imagesEvaluated > 0 else {
      throw .mismatch(reason: "no image of the ground truth is in \(detections)")
    }
    var choices: [Choice] = []
    var settings = existing
    for c in classes {
      let goal = classGoals[c.name] ?? self.goal
      guard let e = evaluation.evaluation(of: c) else { continue }
      let tuned = ThresholdTuner.choose(e.image.sweep, goal: goal)
      let previous = before.threshold(c)
      choices.append(
        Choice(
          detectionClass: c, site: nil, goal: goal, tuned: tuned, previous: previous,
          table: TradeOffTable(
            sweep: e.image.sweep, extra: [previous] + (tuned.map { [$0.threshold] } ?? [])),
          images: evaluation.imagesEvaluated, positives: e.image.positives))
      if let tuned { settings.classes[c.name] = tuned.threshold }
    }
    if perSite {
      let sites = Set(truth.images.keys.compactMap { ImageOrigin(relativePath: $0).site })
      for site in sites.sorted() {
        var siteTruth = GroundTruth()
        for image in truth.images.values where ImageOrigin(relativePath: image.file).site == site {
          siteTruth.add(
            file: image.file, classes: image.classes, boxes: image.boxes,
            boxesComplete: image.boxesComplete)
        }
        let siteEvaluation = Evaluator(truth: siteTruth).evaluate([(run, before)]).runs[0]
        for c in classes {
          let goal = classGoals[c.name] ?? self.goal
          guard let e = siteEvaluation.evaluation(of: c), e.image.positives >= minimumSitePositives,
            let tuned = ThresholdTuner.choose(e.image.sweep, goal: goal)
          else {
            settings.sites[site]?[c.name] = nil
            continue
          }
          let previous = before.threshold(c, site: site)
          choices.append(
            Choice(
              detectionClass: c, site: site, goal: goal, tuned: tuned, previous: previous,
              table: TradeOffTable(sweep: e.image.sweep, extra: [previous, tuned.threshold]),
              images: siteEvaluation.imagesEvaluated, positives: e.image.positives))
          settings.sites[site, default: [:]][c.name] = tuned.threshold
        }
        if settings.sites[site]?.isEmpty == true { settings.sites[site] = nil }
      }
    }
    let after = Evaluator(truth: truth).evaluate([
      (
        run,
        ClassThresholds.resolve(overrides: [:], config: settings, recorded: run.recordedThresholds)
      )
    ]).runs[0]
    if let configPath {
      if !force, let reason = Self.tooFewPositives(choices, minimum: minimumPositives) {
        throw .tooFewPositives(reason: reason + "; nothing was written to \(configPath)")
      }
      do {
        try config.settingThresholds(settings).write(to: configPath)
      } catch {
        throw .outputFile(path: configPath, cause: error)
      }
    }
    return Result(
      choices: choices, settings: settings, alertsBefore: evaluation.alerts,
      alertsAfter: after.alerts)
  }

  /// Why the class thresholds chosen cannot be written: the classes whose truth has fewer than
  /// `minimum` images, each with its count and the recall interval; nil when none has.
  static func tooFewPositives(_ choices: [Choice], minimum: Int) -> String? {
    let few = choices.filter { $0.site == nil && $0.tuned != nil && $0.positives < minimum }
    guard !few.isEmpty else { return nil }
    let classes = few.map { choice in
      var text = "\(choice.detectionClass.name) from \(choice.positives) image"
        + (choice.positives == 1 ? "" : "s")
      if let interval = choice.recallInterval { text += " (\(intervalText(interval)))" }
      return text
    }
    return "too few labelled images to write thresholds: "
      + classes.joined(separator: ", ")
      + "; at least \(minimum) images of a class are needed (label more, or pass --force)"
  }

  /// "recall 0.929, 95% interval 0.685-0.987".
  static func intervalText(_ interval: RecallInterval) -> String {
    "recall \(HTMLText.fixed(interval.recall, 3)), 95% interval "
      + "\(HTMLText.fixed(interval.lower, 3))-\(HTMLText.fixed(interval.upper, 3))"
  }

  /// The trade-off tables and the choices, for the terminal.
  public static func text(_ result: Result) -> String {
    var out: [String] = []
    for choice in result.choices {
      let scope = choice.site.map { " at site \($0)" } ?? ""
      out.append(
        "\(choice.detectionClass.name)\(scope) (\(choice.images) images, \(choice.positives) with "
          + "the class), goal \(choice.goal):")
      var marked: Set<Double> = []
      if let t = choice.tuned { marked.insert(t.threshold) }
      out.append(choice.table.text(marked: marked))
      if let t = choice.tuned {
        let note = t.goalMet ? "" : " (goal not reached; closest threshold)"
        out.append(
          "chosen \(HTMLText.fixed(t.threshold, 3)) (was \(HTMLText.fixed(choice.previous, 3))): recall "
            + "\(HTMLText.ratio(t.point.recall)), precision \(HTMLText.ratio(t.point.precision)), "
            + "\(HTMLText.fixed(t.point.perThousandImages, 1)) per 1,000 images\(note)")
        if let interval = choice.recallInterval {
          out.append(
            "sample: \(interval.positives) truth images of the class; \(intervalText(interval)) "
              + "(Wilson)")
        }
      } else {
        out.append(
          "not changed (\(HTMLText.fixed(choice.previous, 3))): the class is never in the truth or never detected"
        )
      }
      out.append("")
    }
    let b = result.alertsBefore, a = result.alertsAfter
    out.append(
      "alerts per 1,000 images: \(HTMLText.fixed(b.perThousandImages, 1)) -> \(HTMLText.fixed(a.perThousandImages, 1)); "
        + "alert recall \(HTMLText.ratio(b.recall)) -> \(HTMLText.ratio(a.recall)), precision "
        + "\(HTMLText.ratio(b.precision)) -> \(HTMLText.ratio(a.precision))")
    return out.joined(separator: "\n")
  }
}
