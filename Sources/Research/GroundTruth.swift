import Formats
import LookoutCore

/// One true object: its class and where it is.
public struct TruthBox: Sendable, Equatable, Hashable {
  public var detectionClass: DetectionClass
  /// `[x, y, width, height]`, normalized to the image, origin top left (MegaDetector's).
  public var bbox: [Double]

  public init(_ detectionClass: DetectionClass, bbox: [Double]) {
    self.detectionClass = detectionClass
    self.bbox = bbox
  }
}

/// What is really in one image.
public struct TruthImage: Sendable, Equatable {
  /// The path as written in the truth file, `/`-separated (``GroundTruth/normalizedPath(_:)``).
  public var file: String
  /// The classes present (from image labels and from boxes); empty for an empty image.
  public var classes: Set<DetectionClass>
  public var boxes: [TruthBox]
  /// Whether ``boxes`` lists every object, so the image can be scored box by box: true when the
  /// image has boxes or is empty, false when it only has image-level labels.
  public var boxesComplete: Bool

  public init(file: String, classes: Set<DetectionClass>, boxes: [TruthBox], boxesComplete: Bool) {
    self.file = file
    self.classes = classes
    self.boxes = boxes
    self.boxesComplete = boxesComplete
  }
}

/// Ground truth for a set of images, from one or more files merged.
///
/// Merging adds up what each file says about an image: the union of classes and of boxes, and
/// boxes are complete when any file gave boxes (or the image is empty in all of them). So an
/// image-level `images.csv` and a box-level `boxes.csv` can be given together.
public struct GroundTruth: Sendable, Equatable {
  /// The images by normalized path.
  public private(set) var images: [String: TruthImage] = [:]
  /// The files read, in order.
  public var sources: [String] = []

  public init() {}

  /// The images in path order (UTF-8 bytes).
  public var sortedImages: [TruthImage] {
    images.values.sorted { $0.file.utf8.lexicographicallyPrecedes($1.file.utf8) }
  }

  /// Whether any image has boxes (box-level metrics need some).
  public var hasBoxes: Bool { images.values.contains { !$0.boxes.isEmpty } }

  /// Adds what one file says about one image.
  public mutating func add(
    file: String, classes: Set<DetectionClass>, boxes: [TruthBox] = [], boxesComplete: Bool
  ) {
    let key = GroundTruth.normalizedPath(file)
    let allClasses = classes.union(boxes.map(\.detectionClass))
    if var existing = images[key] {
      existing.classes.formUnion(allClasses)
      existing.boxes.append(contentsOf: boxes)
      existing.boxesComplete = existing.boxesComplete || boxesComplete
      images[key] = existing
    } else {
      images[key] = TruthImage(
        file: key, classes: allClasses, boxes: boxes, boxesComplete: boxesComplete)
    }
  }

  /// Adds every image of `other` (see the type's documentation for how images merge).
  public mutating func merge(_ other: GroundTruth) {
    for image in other.images.values {
      add(
        file: image.file, classes: image.classes, boxes: image.boxes,
        boxesComplete: image.boxesComplete)
    }
    sources.append(contentsOf: other.sources)
  }

  /// Backslashes become `/`, and a leading `./` or `/` is dropped.
  public static func normalizedPath(_ path: String) -> String {
    var p = Substring(path.replacingBackslashes())
    while p.hasPrefix("./") { p = p.dropFirst(2) }
    while p.hasPrefix("/") { p = p.dropFirst() }
    return String(p)
  }
}

extension String {
  func replacingBackslashes() -> String {
    guard utf8.contains(UInt8(ascii: "\\")) else { return self }
    return String(map { $0 == "\\" ? "/" : $0 })
  }
}

/// Checks a normalized box: four finite numbers, inside the image, with a positive size.
enum BoxCheck {
  static let tolerance = 1e-3

  static func problem(_ b: [Double]) -> String? {
    guard b.count == 4, b.allSatisfy(\.isFinite) else { return "a box needs four numbers" }
    let t = tolerance
    guard b[0] >= -t, b[1] >= -t, b[2] > 0, b[3] > 0, b[0] + b[2] <= 1 + t, b[1] + b[3] <= 1 + t
    else {
      return "box [\(b.map { String($0) }.joined(separator: ", "))] is not inside 0…1 (boxes "
        + "are x, y, width, height relative to the image)"
    }
    return nil
  }
}
