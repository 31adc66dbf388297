import Formats
import Foundation
import LookoutCore
import LookoutSystem

/// What `lookout evaluate` does, as a plain value: read, evaluate, write `metrics.json` and
/// `evaluation.html` into ``outputFolder``.
public struct EvaluateJob: Sendable {
  /// Detection files (Lookout's or any MegaDetector 1.x output), or scan output folders (their
  /// `detections.json` is read); two or more are compared.
  public var detections: [String]
  /// Names for the runs, in the same order (missing ones default to the file's path).
  public var names: [String]
  /// Ground-truth files, merged (CSV, COCO JSON, Camtrap DP).
  public var truth: [String]
  public var outputFolder: String
  /// Class name → threshold, overriding every other source.
  public var thresholdOverrides: [String: Double]
  /// A config file whose `thresholds` apply (per-site ones included).
  public var configPath: String?
  /// A deployments file that names images' sites, for the per-site thresholds, as in `scan`
  /// (``ImageSites``); nil: the first folder of the path.
  public var deploymentsPath: String?
  public var iouThreshold: Double

  public init(
    detections: [String], names: [String] = [], truth: [String], outputFolder: String,
    thresholdOverrides: [String: Double] = [:], configPath: String? = nil,
    deploymentsPath: String? = nil, iouThreshold: Double = 0.5
  ) {
    self.detections = detections
    self.names = names
    self.truth = truth
    self.outputFolder = outputFolder
    self.thresholdOverrides = thresholdOverrides
    self.configPath = configPath
    self.deploymentsPath = deploymentsPath
    self.iouThreshold = iouThreshold
  }

  /// The files written.
  public var metricsPath: String { Paths.join(outputFolder, "metrics.json") }
  public var pagePath: String { Paths.join(outputFolder, "evaluation.html") }

  /// How images' sites are found: by ``deploymentsPath`` when given, else by their folders.
  public func imageSites() throws(ResearchError) -> ImageSites {
    try deploymentsPath.map { (path: String) throws(ResearchError) in
      try ImageSites.read(deploymentsPath: path)
    } ?? ImageSites()
  }

  /// Reads the inputs and evaluates, writing nothing.
  public func evaluate() throws(ResearchError) -> EvaluationReport {
    let truth = try TruthLoader.read(paths: truth)
    guard !truth.images.isEmpty else {
      throw .mismatch(reason: "the ground truth has no images")
    }
    let config = try configPath.map(ConfigFile.thresholds)
    let sites = try imageSites()
    var runs: [(run: DetectionRun, thresholds: ClassThresholds)] = []
    for (i, path) in detections.enumerated() {
      let run = try DetectionRun.read(
        path: ReviewJob.detectionsFile(path), name: i < names.count ? names[i] : nil)
      let thresholds = ClassThresholds.resolve(
        overrides: thresholdOverrides, config: config, recorded: run.recordedThresholds)
      runs.append((run, thresholds))
    }
    let report = Evaluator(truth: truth, iouThreshold: iouThreshold, sites: sites).evaluate(runs)
    if let run = report.runs.first, run.imagesEvaluated == 0 {
      throw .mismatch(
        reason:
          "no image of the ground truth is in \(detections.count > 1 ? "every detections file" : detections[0]); "
          + "check that the truth's paths are relative to the scanned folder, as in detections.json"
      )
    }
    return report
  }

  /// Evaluates and writes both files; returns the report.
  @discardableResult
  public func run() throws(ResearchError) -> EvaluationReport {
    let report = try evaluate()
    try OutputFolder.create(outputFolder)
    try ResearchFiles.write(MetricsDocument.text(report), to: metricsPath)
    try ResearchFiles.write(EvaluationPage.html(report), to: pagePath)
    return report
  }

  /// A short text summary for the terminal.
  public static func summaryText(_ report: EvaluationReport) -> String {
    var lines: [String] = []
    for run in report.runs {
      lines.append(
        "\(run.name): \(run.imagesEvaluated) images; alerts per 1,000 images \(HTMLText.fixed(run.alerts.perThousandImages, 1)), "
          + "alert precision \(HTMLText.ratio(run.alerts.precision)), recall \(HTMLText.ratio(run.alerts.recall))"
      )
      lines.append("  class    threshold  precision  recall     F1     AP  (image level)")
      for c in run.classes {
        let p = c.image.atThreshold
        lines.append(
          "  " + c.detectionClass.name.padding(toLength: 8, withPad: " ", startingAt: 0)
            + HTMLText.fixed(run.thresholds.threshold(c.detectionClass), 3).leftPadded(10)
            + HTMLText.ratio(p.precision).leftPadded(11) + HTMLText.ratio(p.recall).leftPadded(8)
            + HTMLText.ratio(p.f1).leftPadded(7)
            + HTMLText.ratio(c.image.averagePrecision).leftPadded(7))
      }
      lines.append("  misses: \(run.misses.count), false positives: \(run.falsePositives.count)")
    }
    return lines.joined(separator: "\n")
  }
}

/// Reading thresholds from a config file.
enum ConfigFile {
  static func thresholds(_ path: String) throws(ResearchError) -> ClassThresholds {
    do {
      return try LookoutConfig.read(path: path).thresholds(path: path)
    } catch {
      throw .config(error)
    }
  }
}

/// Creating output folders.
enum OutputFolder {
  static func create(_ path: String) throws(ResearchError) {
    do {
      try FileManager.default.createDirectory(
        atPath: path, withIntermediateDirectories: true)
    } catch {
      throw .output(path: path, reason: "cannot create the folder (\(SystemErrorText.describe(error)))")
    }
  }
}

extension String {
  func leftPadded(_ width: Int) -> String {
    count >= width ? self : String(repeating: " ", count: width - count) + self
  }
}
