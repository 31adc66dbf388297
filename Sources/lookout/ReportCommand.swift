import ArgumentParser
import Research

/// `lookout report`: a review page for a run.
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Write a self-contained HTML review page for a scan.",
    discussion: """
      Writes report.html: every image with the boxes that reach their class threshold drawn and \
      named in the caption (people first), a toggle for the weaker boxes, alerts first, then by \
      confidence; filters by class, site, camera and date; 200 images a page, the ones in view \
      loaded at once and the rest lazily, so runs of 100,000 images stay fast. The page shows the original images by their path relative to \
      the report folder, so give --images the folder that was scanned and keep both where they \
      are (or move them together).

      Example:
        lookout report triage/2026-11-25 --images /media/SDCARD
      """)

  @Argument(help: "A scan's output folder (or its detections.json).")
  var scan: String

  @Option(name: .long, help: ArgumentHelp("The folder that was scanned.", valueName: "folder"))
  var images: String

  @Option(name: .long, help: "Folder for report.html (default: <scan>/report).")
  var out: String?

  @Option(
    name: .long,
    help: "Detections below this confidence are left out, even with the weaker-boxes toggle.")
  var minConfidence: Double = 0.1

  @Option(name: .long, help: "The page's title.")
  var title: String?

  @OptionGroup var thresholds: ResearchThresholdOptions

  func validate() throws {
    guard (0...1).contains(minConfidence) else {
      throw ValidationError("--min-confidence must be between 0 and 1")
    }
  }

  func run() throws {
    let folder = out ?? (scan.hasSuffix(".json") ? "report" : scan + "/report")
    let job = ReviewJob(
      detections: scan, imagesFolder: images, outputFolder: folder,
      thresholdOverrides: thresholds.overrides(), configPath: thresholds.config,
      minimumConfidence: minConfidence, title: title)
    do {
      let count = try job.run { printError("warning: \($0)") }
      print("Wrote \(job.pagePath) (\(count) images)")
    } catch {
      throw failure("\(error)")
    }
  }
}
