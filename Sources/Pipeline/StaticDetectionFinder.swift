import Formats
import LookoutCore
import LookoutSystem

/// Finds a card's static detections (``LookoutCore/StaticRule``): boxes that recur at the same
/// place of the same camera in enough images over enough events.
///
/// Images are added in file order during the pass that groups them into events; only the
/// candidates are kept, in a ``StaticCandidateStore`` (memory up to a fixed number, then a
/// temporary file): the boxes of alerting classes that reach the threshold in force at their
/// image's place (every other box is never static). Once the events are known,
/// ``marks(events:)`` decides a batch of cameras at a time, reading only their candidates into
/// memory, so the pass holds no more than a batch (or one camera bigger than a batch), and the
/// result is one bit per candidate.
///
/// A candidate is static when the candidates of its class at its camera whose IoU with it is
/// at least the rule's (itself included) lie in at least `minImages` images and `minEvents`
/// events. This depends on no order, so a merge of shards decides exactly as one scan does.
struct StaticDetectionFinder {
  typealias Candidate = StaticCandidateStore.Candidate

  let rule: StaticRule
  private let store: StaticCandidateStore

  /// `spillDirectory` is where the candidates beyond `memoryLimit` go (a temporary file).
  init(
    rule: StaticRule, spillDirectory: String,
    memoryLimit: Int = StaticCandidateStore.defaultMemoryLimit
  ) {
    self.rule = rule
    store = StaticCandidateStore(directory: spillDirectory, memoryLimit: memoryLimit)
  }

  /// How many candidates went to the temporary file (0 while they all fit in memory).
  var candidatesInFile: Int { store.countInFile }

  /// Adds the image numbered `image` (file order) at camera `camera`, whose boxes are compared
  /// with `thresholds`, those in force at its place.
  func add(
    _ outcome: ImageOutcome, image: Int, camera: Int32, thresholds: AlertThresholds
  ) throws(FileIOError) {
    guard rule.isEnabled, let detections = outcome.detections else { return }
    for (index, detection) in detections.enumerated() {
      guard let c = detection.detectionClass, c.raisesAlerts,
        detection.confidence >= thresholds.threshold(for: c), detection.box.count == 4,
        index <= Int(UInt16.max)
      else { continue }
      let b = detection.box
      try store.append(
        Candidate(
          image: Int32(image), camera: camera, detection: UInt16(index),
          classIndex: UInt8(detection.classIndex), x: b[0], y: b[1], width: b[2], height: b[3]))
    }
  }

  /// Decides every camera, a batch of cameras at a time: each batch's candidates (together at
  /// most the store's memory limit, or one camera's) are read from the store, decided and let go.
  func marks(events: CardEvents) throws(FileIOError) -> StaticMarks {
    var bits = [UInt64](repeating: 0, count: (store.count + 63) / 64)
    for batch in cameraBatches() {
      var slot = [Int](repeating: -1, count: store.countByCamera.count)
      for (position, camera) in batch.enumerated() { slot[camera] = position }
      var candidates = [[Candidate]](repeating: [], count: batch.count)
      var positions = [[Int]](repeating: [], count: batch.count)
      for (position, camera) in batch.enumerated() {
        candidates[position].reserveCapacity(store.countByCamera[camera])
        positions[position].reserveCapacity(store.countByCamera[camera])
      }
      try store.forEach { position, candidate in
        let s = slot[Int(candidate.camera)]
        guard s >= 0 else { return }
        candidates[s].append(candidate)
        positions[s].append(position)
      }
      for s in batch.indices {
        for index in staticCandidates(candidates[s], events: events) {
          let position = positions[s][index]
          bits[position / 64] |= 1 << UInt64(position % 64)
        }
        candidates[s] = []
        positions[s] = []
      }
    }
    return StaticMarks(store: store, isStatic: bits, cameraKeys: events.cameraKeys)
  }

  /// The cameras that can have a static box (at least `minImages` candidates), in batches whose
  /// candidates fit the store's memory limit together (a bigger camera is a batch alone). When
  /// every candidate is in memory already, one batch.
  private func cameraBatches() -> [[Int]] {
    let cameras = store.countByCamera.indices.filter {
      store.countByCamera[$0] >= max(1, rule.minImages)
    }
    guard store.hasSpilled else { return cameras.isEmpty ? [] : [cameras] }
    var batches: [[Int]] = []
    var current: [Int] = []
    var size = 0
    for camera in cameras {
      let count = store.countByCamera[camera]
      if !current.isEmpty, size + count > store.memoryLimit {
        batches.append(current)
        current = []
        size = 0
      }
      current.append(camera)
      size += count
    }
    if !current.isEmpty { batches.append(current) }
    return batches
  }

  /// The indices of the static ones among one camera's candidates.
  private func staticCandidates(_ candidates: [Candidate], events: CardEvents) -> [Int] {
    guard candidates.count >= rule.minImages else { return [] }
    // Two boxes with IoU >= t have left edges at most (1 - t) x the wider box apart, so each
    // box is compared only with the boxes of a window of left edges.
    let order = candidates.indices.sorted {
      (candidates[$0].x, $0) < (candidates[$1].x, $1)
    }
    let widest = candidates.map(\.width).max() ?? 0
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
            [box.x, box.y, box.width, box.height],
            [other.x, other.y, other.width, other.height]) >= threshold
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
        if box.x - other.x > reach { break }
        visit(other)
        left -= 1
      }
      var right = position + 1
      while right < order.count, !enough() {
        let other = candidates[order[right]]
        if other.x - box.x > reach { break }
        visit(other)
        right += 1
      }
      if enough() { found.append(index) }
    }
    return found
  }
}

/// A card's static detections: one bit per candidate of the ``StaticCandidateStore`` (set for
/// a static one), read image by image in file order beside the store's candidates, so they cost
/// an eighth of a byte per alerting box, however many are static.
final class StaticMarks {
  private let store: StaticCandidateStore?
  private let isStatic: [UInt64]
  private let cameraKeys: [String]
  private var cursor: StaticCandidateStore.Cursor?

  /// No detection is static.
  static var none: StaticMarks { StaticMarks(store: nil, isStatic: [], cameraKeys: []) }

  fileprivate init(store: StaticCandidateStore?, isStatic: [UInt64], cameraKeys: [String]) {
    self.store = store
    self.isStatic = isStatic
    self.cameraKeys = cameraKeys
    cursor = store?.makeCursor()
  }

  /// The static detections of the image at `index` (indices into its outcome's detections) and
  /// its camera; nil when it has none. Fastest when asked in file order, as the outputs are
  /// written; an earlier image than the last one asked starts the reading again.
  func detections(at index: Int) throws(FileIOError) -> (camera: String, detections: Set<Int>)? {
    guard var cursor, let image = Int32(exactly: index) else { return nil }
    defer { self.cursor = cursor }
    if let last = try cursor.previousImage(), last >= image { cursor.rewind() }
    var detections = Set<Int>()
    var camera: Int32 = -1
    while let candidate = try cursor.current(), candidate.image <= image {
      if candidate.image == image, isSet(cursor.position) {
        detections.insert(Int(candidate.detection))
        camera = candidate.camera
      }
      cursor.advance()
    }
    guard camera >= 0 else { return nil }
    return (cameraKeys[Int(camera)], detections)
  }

  private func isSet(_ position: Int) -> Bool {
    position / 64 < isStatic.count && isStatic[position / 64] & (1 << UInt64(position % 64)) != 0
  }
}
