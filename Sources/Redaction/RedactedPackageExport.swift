import Research

/// What `lookout export camtrap-dp --redact` does: a Camtrap DP package (`CamtrapDPExport`)
/// whose `media/` folder holds redacted copies of the images (``RedactJob``), with each
/// media `filePath` pointing at its copy.
public struct RedactedPackageExport: Sendable {
  /// The package; its `CamtrapDPExport.outputFolder` is where `media/` goes.
  public var package: CamtrapDPExport
  /// The copies; its output folder is replaced by `<package>/media`.
  public var copies: RedactJob

  public init(package: CamtrapDPExport, copies: RedactJob) {
    self.package = package
    self.copies = copies
  }

  /// The folder the copies go to.
  public var mediaFolder: String { package.outputFolder + "/media" }

  /// Reads and checks the package's inputs, then writes the copies and the package: a bad
  /// deployments file (or detections or config file) leaves nothing written.
  public func run() throws(ResearchError) -> (
    copies: RedactJob.Summary, package: CamtrapDPExport.Summary
  ) {
    let inputs = try package.readInputs()
    var copies = self.copies
    copies.outputFolder = mediaFolder
    let written = try copies.run()
    var package = self.package
    var paths: [String: String] = [:]
    for (file, name) in written.redacted { paths[file] = "media/" + name }
    package.mediaBase = "media/"
    package.mediaPaths = paths
    return (written, try package.write(inputs))
  }
}
