import ArgumentParser
import Formats
import Redaction
import Research

/// `lookout export redacted`: shareable copies of a scan's images with people (and vehicles)
/// hidden.
struct RedactedCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "redacted",
    abstract: "Write copies of a scan's images with the boxes of people or vehicles hidden.",
    discussion: """
      Images with a detection of a --redact class at or above its threshold (or \
      --min-confidence) are decoded, the boxes (and a 10% margin) are blacked out or blurred, \
      and the copy is written as a JPEG without EXIF (a .png gets .jpg appended); other images \
      are copied unless --only-redacted, without their metadata (EXIF with its GPS position, \
      XMP, comments; the orientation is kept) unless --keep-metadata. The folder layout is \
      kept. Image paths that are absolute or contain .. are refused. Only what the detector \
      found is hidden: a person it missed stays visible.

      Example:
        lookout export redacted triage/ --images /media/SDCARD --out shared/ --redact people,vehicles
      """)

  @Argument(help: "A scan's output folder (or its detections.json).")
  var scan: String

  @Option(name: .long, help: ArgumentHelp("The folder that was scanned.", valueName: "folder"))
  var images: String

  @Option(name: .long, help: "Folder for the copies (created if missing).")
  var out: String

  @Option(name: .long, help: "Classes to hide: people, vehicles, animals (comma-separated).")
  var redact: String = "people,vehicles"

  @Option(name: .long, help: "block (black, nothing survives) or blur.")
  var style: String = "block"

  @Option(name: .long, help: "Hide detections at or above this (default: each class's threshold).")
  var minConfidence: Double?

  @Option(name: .long, help: "JPEG quality of the redacted copies, 1-100.")
  var quality: Int = 90

  @Flag(name: .long, help: "Write only the redacted images, not copies of the others.")
  var onlyRedacted = false

  @Flag(name: .long, help: "Copy the other images byte for byte, EXIF and GPS position included.")
  var keepMetadata = false

  @OptionGroup var thresholds: ResearchThresholdOptions

  func validate() throws {
    guard RedactJob.classes(parsing: redact) != nil else {
      throw ValidationError("--redact \(redact): expected people, vehicles or animals, comma-separated")
    }
    guard BoxRedactor.Style(rawValue: style) != nil else {
      throw ValidationError("--style must be block or blur")
    }
    guard (1...100).contains(quality) else { throw ValidationError("--quality must be 1...100") }
    if let minConfidence, !(0...1).contains(minConfidence) {
      throw ValidationError("--min-confidence must be between 0 and 1")
    }
  }

  func run() throws {
    let job = RedactJob(
      detections: scan, imagesFolder: images, outputFolder: out,
      classes: RedactJob.classes(parsing: redact)!, style: BoxRedactor.Style(rawValue: style)!,
      thresholdOverrides: thresholds.overrides(), configPath: thresholds.config,
      minimumConfidence: minConfidence, quality: quality, copyUnchanged: !onlyRedacted,
      keepMetadata: keepMetadata)
    do {
      let s = try job.run()
      print("Wrote \(out)/: \(s.redacted.count) redacted, \(s.copied) copied unchanged")
      for (file, reason) in s.unreadable.sorted(by: { $0.key < $1.key }).prefix(10) {
        printToStandardError("could not read \(file): \(reason)")
      }
    } catch {
      throw failure("\(error)")
    }
  }
}
