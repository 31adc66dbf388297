import Formats
import LookoutCore

/// One detector's results over a set of images: a MegaDetector 1.x file, read.
public struct DetectionRun: Sendable {
  /// A short name for tables and charts (`--name`, else the file's folder and name).
  public var name: String
  /// The file it was read from.
  public var path: String
  public var results: MegaDetectorResults
  /// The processed and failed images by normalized path.
  public var imagesByPath: [String: ImageRecord]

  public init(name: String, path: String, results: MegaDetectorResults) {
    self.name = name
    self.path = path
    self.results = results
    var map: [String: ImageRecord] = [:]
    for image in results.images { map[GroundTruth.normalizedPath(image.file)] = image }
    imagesByPath = map
  }

  /// Reads a detections file; `name` defaults to the path's last two components. A file whose
  /// image paths could lead outside the image folder (``ContainedPath``) is refused.
  public static func read(path: String, name: String? = nil) throws(ResearchError) -> DetectionRun {
    let bytes = try ResearchFiles.read(path) { .detections(path: $0, reason: $1) }
    let results: MegaDetectorResults
    do {
      results = try MegaDetectorOutput.decode(bytes)
    } catch {
      throw .detections(path: path, reason: error.description)
    }
    for (i, image) in results.images.enumerated() {
      do {
        try ContainedPath.check(image.file, entry: "images[\(i)].file", in: path)
      } catch {
        throw .detections(path: path, reason: error.detail)
      }
    }
    let parts = path.split(separator: "/").suffix(2).joined(separator: "/")
    return DetectionRun(name: name ?? parts, path: path, results: results)
  }

  /// The thresholds the run recorded: `info.lookout.class_thresholds`, else MegaDetector's
  /// `typical_detection_threshold` for every class.
  public var recordedThresholds: [String: Double] {
    if let lookout = results.info.lookout, !lookout.classThresholds.isEmpty {
      return lookout.classThresholds
    }
    if let t = results.info.typicalDetectionThreshold {
      return Dictionary(uniqueKeysWithValues: DetectionClass.allCases.map { ($0.name, t) })
    }
    return [:]
  }

  /// The image's detections as (class, confidence, box), categories that map to no class
  /// dropped.
  public func detections(of image: ImageRecord) -> [ScoredBox] {
    (image.detections ?? []).compactMap { d in
      guard
        let c = ClassNames.detectionClass(category: d.category, names: results.detectionCategories)
      else { return nil }
      return ScoredBox(
        detectionClass: c, confidence: d.confidence, bbox: d.bbox, isStatic: d.isStatic)
    }
  }
}

/// A detection reduced to what evaluation needs.
public struct ScoredBox: Sendable, Equatable {
  public var detectionClass: DetectionClass
  public var confidence: Double
  public var bbox: [Double]
  /// Marked static scenery in detections.json (`"static": true`): no alert was raised on it.
  public var isStatic: Bool

  public init(
    detectionClass: DetectionClass, confidence: Double, bbox: [Double], isStatic: Bool = false
  ) {
    self.detectionClass = detectionClass
    self.confidence = confidence
    self.bbox = bbox
    self.isStatic = isStatic
  }
}
