import LookoutCore

/// A box in MegaDetector's convention: top-left corner and size, each a fraction (0...1) of the
/// image's width or height.
public struct NormalizedBox: Sendable, Equatable, Hashable {
  public var x: Float
  public var y: Float
  public var width: Float
  public var height: Float

  public init(x: Float, y: Float, width: Float, height: Float) {
    self.x = x
    self.y = y
    self.width = width
    self.height = height
  }

  public var area: Float { max(width, 0) * max(height, 0) }
}

/// One detected object.
public struct Detection: Sendable, Equatable {
  public var detectionClass: DetectionClass
  /// Sigmoid of the heat-map logit, 0...1.
  public var confidence: Float
  public var box: NormalizedBox

  public init(detectionClass: DetectionClass, confidence: Float, box: NormalizedBox) {
    self.detectionClass = detectionClass
    self.confidence = confidence
    self.box = box
  }
}

/// Intersection over union of two boxes; 0 when they do not overlap or both are empty.
public func intersectionOverUnion(_ a: NormalizedBox, _ b: NormalizedBox) -> Float {
  let iw = min(a.x + a.width, b.x + b.width) - max(a.x, b.x)
  let ih = min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
  guard iw > 0, ih > 0 else { return 0 }
  let intersection = iw * ih
  let union = a.area + b.area - intersection
  return union > 0 ? intersection / union : 0
}

/// The order every list of detections is returned in: confidence descending, then class, then
/// box (y, x, height, width ascending), so equal inputs in any order give equal outputs.
@inline(__always)
func precedes(_ a: Detection, _ b: Detection) -> Bool {
  if a.confidence != b.confidence { return a.confidence > b.confidence }
  if a.detectionClass != b.detectionClass {
    return a.detectionClass.rawValue < b.detectionClass.rawValue
  }
  if a.box.y != b.box.y { return a.box.y < b.box.y }
  if a.box.x != b.box.x { return a.box.x < b.box.x }
  if a.box.height != b.box.height { return a.box.height < b.box.height }
  return a.box.width < b.box.width
}

/// Greedy non-maximum suppression, one class per box: in `precedes` order (confidence
/// descending, deterministic tie-break), a detection is kept unless an already kept detection
/// of the same class overlaps it by an IoU greater than `iouThreshold`, or one of another class
/// by an IoU greater than `crossClassIoUThreshold` (two classes firing at the same place: the
/// stronger one stays, as MegaDetector gives one class per box). Returns at most `maxDetections`
/// kept detections, sorted by confidence descending.
public func nonMaximumSuppression(
  _ detections: [Detection], iouThreshold: Float,
  crossClassIoUThreshold: Float = DetectionOptions.defaultCrossClassIoUThreshold,
  maxDetections: Int
) -> [Detection] {
  guard maxDetections > 0 else { return [] }
  let sorted = detections.sorted(by: precedes)
  var kept: [Detection] = []
  kept.reserveCapacity(min(maxDetections, sorted.count))
  for candidate in sorted {
    let suppressed = kept.contains {
      intersectionOverUnion($0.box, candidate.box)
        > ($0.detectionClass == candidate.detectionClass ? iouThreshold : crossClassIoUThreshold)
    }
    if !suppressed {
      kept.append(candidate)
      if kept.count == maxDetections { break }
    }
  }
  return kept
}
