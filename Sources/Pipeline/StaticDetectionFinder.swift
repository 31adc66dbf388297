import Formats
import LookoutCore

/// Finds a card's static detections (``LookoutCore/StaticRule``): boxes that recur at the same
/// place of the same camera in enough images over enough events.
///
/// Images are added in file order during the pass that groups them into events; only the
/// candidates are kept, a 24-byte record each: the boxes of alerting classes that reach the
/// threshold in force at their image's place (every other box is never static). Once the
/// events are known, ``marks(events:cameraKey:)`` decides one camera at a time and lets go of
/// that camera's candidates before the next, so only the marks (a few bytes per static box)
/// outlive it.
///
/// A candidate is static when the candidates of its class at its camera whose IoU with it is
/// at least the rule's (itself included) lie in at least `minImages` images and `minEvents`
/// events. This depends on no order, so a merge of shards decides exactly as one scan does.
struct StaticDetectionFinder {
  private struct Candidate {
    var image: Int32
    var detection: UInt16
    var classIndex: UInt8
    var box: (x: Float, y: Float, w: Float, h: Float)
  }

  let rule: StaticRule
  private var byCamera: [[Candidate]] = []

  init(rule: StaticRule) {
    self.rule = rule
  }

  /// Adds the image numbered `image` (file order) at camera `camera`, whose boxes are compared
  /// with `thresholds`, those in force at its place.
  mutating func add(
    _ outcome: ImageOutcome, image: Int, camera: Int32, thresholds: AlertThresholds
  ) {
    guard rule.isEnabled, let detections = outcome.detections else { return }
    for (index, detection) in detections.enumerated() {
      guard let c = detection.detectionClass, c.raisesAlerts,
        detection.confidence >= thresholds.threshold(for: c), detection.box.count == 4,
        index <= Int(UInt16.max)
      else { continue }
      while byCamera.count <= Int(camera) { byCamera.append([]) }
      let b = detection.box
      byCamera[Int(camera)].append(
        Candidate(
          image: Int32(image), detection: UInt16(index), classIndex: UInt8(detection.classIndex),
          box: (b[0], b[1], b[2], b[3])))
    }
  }

  /// Decides every camera, one at a time.
  mutating func marks(events: CardEvents) -> StaticMarks {
    var marks = StaticMarks(cameraKeys: events.cameraKeys)
    for camera in byCamera.indices {
      let candidates = byCamera[camera]
      byCamera[camera] = []
      for index in staticCandidates(candidates, events: events) {
        marks.mark(
          image: candidates[index].image, detection: candidates[index].detection,
          camera: Int32(camera))
      }
    }
    byCamera = []
    marks.finish()
    return marks
  }

  /// The indices of the static ones among one camera's candidates.
  private func staticCandidates(_ candidates: [Candidate], events: CardEvents) -> [Int] {
    guard candidates.count >= rule.minImages else { return [] }
    // Two boxes with IoU >= t have left edges at most (1 - t) x the wider box apart, so each
    // box is compared only with the boxes of a window of left edges.
    let order = candidates.indices.sorted {
      (candidates[$0].box.x, $0) < (candidates[$1].box.x, $1)
    }
    let widest = candidates.map(\.box.w).max() ?? 0
    let reach = Float(1 - rule.minIoU) * widest + 1e-6
    let threshold = Float(rule.minIoU)
    var found: [Int] = []
    for (position, index) in order.enumerated() {
      let box = candidates[index]
      var images = Set<Int32>()
      var eventsSeen = Set<Int32>()
      func visit(_ other: Candidate) {
        guard other.classIndex == box.classIndex,
          StaticRule.iou(
            [box.box.x, box.box.y, box.box.w, box.box.h],
            [other.box.x, other.box.y, other.box.w, other.box.h]) >= threshold
        else { return }
        images.insert(other.image)
        if let event = events.eventNumber(at: Int(other.image)) { eventsSeen.insert(event) }
      }
      func enough() -> Bool {
        images.count >= rule.minImages && eventsSeen.count >= rule.minEvents
      }
      visit(box)
      var left = position - 1
      while left >= 0, !enough() {
        let other = candidates[order[left]]
        if box.box.x - other.box.x > reach { break }
        visit(other)
        left -= 1
      }
      var right = position + 1
      while right < order.count, !enough() {
        let other = candidates[order[right]]
        if other.box.x - box.box.x > reach { break }
        visit(other)
        right += 1
      }
      if enough() { found.append(index) }
    }
    return found
  }
}

/// A card's static detections: per image (file order), the indices of its static detections
/// in its outcome, and its camera's key. Kept as one sorted list of 12-byte marks (image,
/// detection, camera), so they cost a few bytes per static box however many images have one.
struct StaticMarks {
  private struct Mark {
    var image: Int32
    var camera: Int32
    var detection: UInt16
  }

  private var marks: [Mark] = []
  private let cameraKeys: [String]

  /// No detection is static.
  static let none = StaticMarks(cameraKeys: [])

  /// Marks at the cameras numbered by their index in `cameraKeys`.
  init(cameraKeys: [String]) {
    self.cameraKeys = cameraKeys
  }

  mutating func mark(image: Int32, detection: UInt16, camera: Int32) {
    marks.append(Mark(image: image, camera: camera, detection: detection))
  }

  /// Sorts the marks by image, for ``detections(at:)``.
  mutating func finish() {
    marks.sort { ($0.image, $0.detection) < ($1.image, $1.detection) }
  }

  /// The static detections of the image at `index` (indices into its outcome's detections) and
  /// its camera; nil when it has none.
  func detections(at index: Int) -> (camera: String, detections: Set<Int>)? {
    guard let image = Int32(exactly: index) else { return nil }
    var low = 0
    var high = marks.count
    while low < high {
      let middle = (low + high) / 2
      if marks[middle].image < image { low = middle + 1 } else { high = middle }
    }
    guard low < marks.count, marks[low].image == image else { return nil }
    var detections = Set<Int>()
    var position = low
    while position < marks.count, marks[position].image == image {
      detections.insert(Int(marks[position].detection))
      position += 1
    }
    return (cameraKeys[Int(marks[low].camera)], detections)
  }
}
