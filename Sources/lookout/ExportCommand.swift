import ArgumentParser
import Redaction
import Research

/// `lookout export`: results in the field's exchange formats.
struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Export a scan in a standard format.",
    subcommands: [CamtrapDPCommand.self, RedactedCommand.self])
}

/// `lookout export camtrap-dp`.
struct CamtrapDPCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "camtrap-dp",
    abstract:
      "Write a Camtrap DP 1.0 package (datapackage.json, deployments, media, observations).",
    discussion: """
      Each image is placed in a deployment by the deployments file (columns deployment_id, \
      latitude, longitude, start, end, path_pattern, timezone_offset, …; see the README). \
      Detections at or above their thresholds become media-level observations with their \
      boxes (people are observationType "human", vehicles "vehicle"); images with a person \
      are marked filePublic=false. Images outside every deployment, or without a capture \
      time, are left out and listed.

      Example:
        lookout export camtrap-dp triage/2026-11-25 --deployments deployments.csv \\
          --out package/ --contributor "Ranger team" --email team@example.org
      """)

  @Argument(help: "A scan's output folder (or its detections.json).")
  var scan: String

  @Option(name: .long, help: ArgumentHelp("The deployments CSV file.", valueName: "file"))
  var deployments: String

  @Option(name: .long, help: "Folder for the package (created if missing).")
  var out: String

  @Option(name: .long, help: "The package's contact person or organization.")
  var contributor: String

  @Option(name: .long, help: "The contact's e-mail address.")
  var email: String?

  @Option(name: .long, help: "Title of the package and project.")
  var title: String = "Lookout camera-trap detections"

  @Option(name: .long, help: "Prefix of every media filePath (a URL, or empty for relative paths).")
  var mediaBase: String = ""

  @Option(
    name: .long, help: "Camtrap DP sampling design (opportunistic, targeted, simpleRandom, …).")
  var samplingDesign: String = "opportunistic"

  @Option(
    name: .long,
    help: "Also write copies of the images into <out>/media/ with these classes hidden (e.g. people,vehicles); filePath then points to them.")
  var redact: String?

  @Option(name: .long, help: ArgumentHelp("The folder that was scanned (needed with --redact).", valueName: "folder"))
  var images: String?

  @Flag(name: .long, help: "With --redact: copy the other images with their EXIF and GPS position.")
  var keepMetadata = false

  @OptionGroup var thresholds: ResearchThresholdOptions

  func validate() throws {
    if let redact {
      guard RedactJob.classes(parsing: redact) != nil else {
        throw ValidationError("--redact \(redact): expected people, vehicles or animals, comma-separated")
      }
      guard images != nil else { throw ValidationError("--redact needs --images (the scanned folder)") }
    }
    guard CamtrapDPExport.samplingDesigns.contains(samplingDesign) else {
      throw ValidationError(
        "--sampling-design must be one of \(CamtrapDPExport.samplingDesigns.joined(separator: ", "))"
      )
    }
  }

  func run() throws {
    var job = CamtrapDPExport(
      detections: scan, deploymentsPath: deployments, outputFolder: out,
      thresholdOverrides: thresholds.overrides(), configPath: thresholds.config,
      mediaBase: mediaBase, title: title, contributor: contributor, contributorEmail: email,
      samplingDesign: samplingDesign)
    job.lookoutVersion = LookoutVersion.string
    let overrides = thresholds.overrides()
    do {
      let s: CamtrapDPExport.Summary
      if let redact, let images {
        let export = RedactedPackageExport(
          package: job,
          copies: RedactJob(
            detections: scan, imagesFolder: images, outputFolder: out + "/media",
            classes: RedactJob.classes(parsing: redact)!,
            thresholdOverrides: overrides, configPath: thresholds.config,
            keepMetadata: keepMetadata))
        let (copies, package) = try export.run()
        print("Wrote \(copies.redacted.count) redacted and \(copies.copied) unchanged copies into \(out)/media/")
        s = package
      } else {
        s = try job.run()
      }
      print(
        "Wrote \(out)/: \(s.deployments) deployments, \(s.media) media (\(s.privateMedia) with "
          + "people, not public), \(s.observations) observations")
      for (files, why) in [
        (s.withoutDeployment, "in no deployment"), (s.withoutTimestamp, "without a capture time"),
      ]
      where !files.isEmpty {
        printToStandardError(
          "left out \(files.count) images \(why): \(files.prefix(5).joined(separator: ", "))"
            + (files.count > 5 ? ", …" : ""))
      }
    } catch {
      throw failure("\(error)")
    }
  }
}
