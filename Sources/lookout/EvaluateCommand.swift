import ArgumentParser
import Research

/// `lookout evaluate`: precision, recall and F1 of one or more runs against ground truth.
struct EvaluateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract: "Measure detections against ground truth: precision, recall, F1, PR curves.",
    discussion: """
      Writes into the output folder:
        metrics.json      per class, image and box level (IoU 0.5): precision, recall, F1 and \
      average precision at the thresholds in force and over every threshold; alerts per 1,000 \
      images; the misses and false alerts by file
        evaluation.html   the same as a page with PR curves and confidence histograms (SVG, \
      self-contained)
      Give two detection files to compare them on the same images (e.g. Lookout against a \
      MegaDetector run). Ground truth: CSV (file,label[,x,y,w,h]), COCO JSON, or a Camtrap DP \
      datapackage.json / observations.csv; several --truth files are merged.

      Examples:
        lookout evaluate triage/ --truth labels.csv --out eval/
        lookout evaluate triage/detections.json md.json --name lookout --name megadetector \\
          --truth images.csv --truth boxes.csv --out eval/
      """)

  @Argument(
    help: "Detection files (Lookout's detections.json or any MegaDetector 1.x output), or scan folders.")
  var detections: [String]

  @Option(
    name: .long, help: ArgumentHelp("Ground-truth file (repeatable; merged).", valueName: "file"))
  var truth: [String] = []

  @Option(
    name: .long, help: ArgumentHelp("Name of each run, in order (repeatable).", valueName: "name"))
  var name: [String] = []

  @Option(name: .long, help: "Folder for metrics.json and evaluation.html (created if missing).")
  var out: String = "evaluation"

  @Option(name: .long, help: "Minimum IoU for a detection to match a truth box.")
  var iou: Double = 0.5

  @OptionGroup var thresholds: ResearchThresholdOptions

  @OptionGroup var placement: PlacementOptions

  func validate() throws {
    guard !detections.isEmpty else { throw ValidationError("give at least one detections file") }
    guard !truth.isEmpty else { throw ValidationError("--truth is required") }
    guard name.count <= detections.count else {
      throw ValidationError("more --name options than detection files")
    }
    guard iou > 0 && iou <= 1 else { throw ValidationError("--iou must be in (0, 1]") }
    guard placement.areas == nil else {
      throw ValidationError(
        "evaluate does not use --areas; --deployments names the sites of per-site thresholds")
    }
  }

  func run() throws {
    let job = EvaluateJob(
      detections: detections, names: name, truth: truth, outputFolder: out,
      thresholdOverrides: thresholds.overrides(), configPath: thresholds.config,
      deploymentsPath: placement.deployments, iouThreshold: iou)
    do {
      let report = try job.run()
      print(EvaluateJob.summaryText(report))
      printToStandardError("Wrote \(job.metricsPath) and \(job.pagePath)")
    } catch {
      throw failure("\(error)")
    }
  }
}
