import Foundation
import Formats
import LookoutCore

/// What `lookout report` does: write `report.html`, the review page of one run, into
/// ``outputFolder``.
///
/// The page shows the original images, referenced by their path relative to the output folder
/// (``imagesFolder`` joined with each image's `file`), so keep the report next to the images or
/// pass the folder where they are; nothing is copied or re-encoded, except that a video clip is
/// shown by one frame, written as a JPEG under `frames/` beside the page.
public struct ReviewJob: Sendable {
  /// A scan's output folder (its `detections.json` is read) or a detections file.
  public var detections: String
  /// The folder that was scanned (where `<file>` of each image is).
  public var imagesFolder: String
  public var outputFolder: String
  public var thresholdOverrides: [String: Double]
  public var configPath: String?
  /// Detections below this are left out of the page (those below their class threshold are
  /// drawn only with its "weaker boxes" toggle).
  public var minimumConfidence: Double
  public var title: String?

  public init(
    detections: String, imagesFolder: String, outputFolder: String,
    thresholdOverrides: [String: Double] = [:], configPath: String? = nil,
    minimumConfidence: Double = 0.1, title: String? = nil
  ) {
    self.detections = detections
    self.imagesFolder = imagesFolder
    self.outputFolder = outputFolder
    self.thresholdOverrides = thresholdOverrides
    self.configPath = configPath
    self.minimumConfidence = minimumConfidence
    self.title = title
  }

  public var pagePath: String { Paths.join(outputFolder, "report.html") }

  /// The detections file: `detections` itself, or `detections.json` inside it when a folder.
  static func detectionsFile(_ path: String) -> String {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
      isDirectory.boolValue
    {
      return Paths.join(path, "detections.json")
    }
    return path
  }

  /// Writes the page; returns the number of images on it. A video clip is shown by the frame
  /// of its best detection, extracted into `frames/` beside the page; clips whose frame could
  /// not be extracted are listed without a picture and handed to `clipFrameFailed`.
  @discardableResult
  public func run(
    clipFrameFailed: (ClipFrameError) -> Void = { _ in }
  ) throws(ResearchError) -> Int {
    let run = try DetectionRun.read(path: ReviewJob.detectionsFile(detections))
    let config = try configPath.map(ConfigFile.thresholds)
    let thresholds = ClassThresholds.resolve(
      overrides: thresholdOverrides, config: config, recorded: run.recordedThresholds)
    var items = ReviewPage.items(
      run: run, thresholds: thresholds, minimumConfidence: minimumConfidence)
    try OutputFolder.create(outputFolder)
    let extractor = ClipFrameExtractor(outputFolder: outputFolder)
    for i in items.indices {
      guard let frame = items[i].frameNumber, items[i].failure == nil else { continue }
      switch extractor.extract(
        clipPath: Paths.join(imagesFolder, items[i].file), frameNumber: frame, index: i)
      {
      case .success(let picture): items[i].picture = picture
      case .failure(let error): clipFrameFailed(error)
      }
    }
    let base = ReviewJob.imageBase(from: outputFolder, to: imagesFolder)
    let html = ReviewPage.html(
      items: items, thresholds: thresholds, imageBase: base,
      title: title ?? "Lookout review: \(run.name)")
    try ResearchFiles.write(html, to: pagePath)
    return items.count
  }

  /// The relative URL prefix from the report folder to the images folder, ending in `/`.
  static func imageBase(from reportFolder: String, to imagesFolder: String) -> String {
    let rel = Paths.relative(from: absolute(reportFolder), to: absolute(imagesFolder))
    let encoded = rel.split(separator: "/").map {
      String($0).addingPercentEncoding(
        withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#;")))
        ?? String($0)
    }
    return rel == "." ? "" : encoded.joined(separator: "/") + "/"
  }

  static func absolute(_ path: String) -> String {
    let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    return URL(fileURLWithPath: full).standardizedFileURL.resolvingSymlinksInPath().path
  }
}
