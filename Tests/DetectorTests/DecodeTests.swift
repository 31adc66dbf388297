import Foundation
import LookoutCore
import Testing

@testable import Detector

/// Box decoding on hand-built head tensors, NMS and IoU with values worked out by hand.
@Suite struct DecodeTests {
  static let head = ModelGraph.Head(
    type: "centernet", stride: 8, classes: ["animal", "person", "vehicle"],
    heatmapChannels: [0, 1, 2], offsetChannels: [3, 4], logSizeChannels: [5, 6], sizeUnit: 8)

  /// Image 160x128 at long side 80: scale 0.5, resized 80x64, padded 96x64, head 8x12 cells.
  static let geometry = LetterboxGeometry(
    imageWidth: 160, imageHeight: 128, longSide: 80, multiple: 32)

  /// A head tensor with every heat-map logit at -10, offsets 0 (sigmoid 0.5), log sizes log(2).
  static func emptyHead() -> Tensor {
    var t = Tensor(height: 8, width: 12, channels: 7)
    for y in 0..<8 {
      for x in 0..<12 {
        for c in 0..<3 { t[y, x, c] = -10 }
        t[y, x, 5] = log(2)
        t[y, x, 6] = log(2)
      }
    }
    return t
  }

  static func decode(_ t: Tensor, minimumConfidence: Float = 0.05) -> [Detection] {
    var t = t
    var result: [Detection] = []
    withView(&t) {
      decodeCenterNet(
        output: $0, head: head, geometry: geometry, minimumConfidence: minimumConfidence,
        into: &result)
    }
    return result.sorted(by: precedes)
  }

  static func close(_ a: NormalizedBox, _ b: NormalizedBox, _ eps: Float = 1e-5) -> Bool {
    abs(a.x - b.x) < eps && abs(a.y - b.y) < eps && abs(a.width - b.width) < eps
      && abs(a.height - b.height) < eps
  }

  static func dims(_ g: LetterboxGeometry) -> [Int] {
    [g.resizedWidth, g.resizedHeight, g.paddedWidth, g.paddedHeight]
  }

  @Test func geometry() {
    #expect(Self.geometry.resizedWidth == 80 && Self.geometry.resizedHeight == 64)
    #expect(Self.geometry.paddedWidth == 96 && Self.geometry.paddedHeight == 64)
    let wide = LetterboxGeometry(imageWidth: 4000, imageHeight: 3000, longSide: 640, multiple: 32)
    #expect(Self.dims(wide) == [640, 480, 640, 480])
    #expect(wide.usesAreaResampling)
    let tall = LetterboxGeometry(imageWidth: 3000, imageHeight: 4000, longSide: 640, multiple: 32)
    #expect(Self.dims(tall) == [480, 640, 480, 640])
    let strip = LetterboxGeometry(imageWidth: 1000, imageHeight: 333, longSide: 640, multiple: 32)
    #expect(Self.dims(strip) == [640, 213, 640, 224])
    #expect(!strip.usesAreaResampling)
    let small = LetterboxGeometry(imageWidth: 100, imageHeight: 1, longSide: 640, multiple: 32)
    #expect(Self.dims(small) == [640, 6, 640, 32])
  }

  @Test func knownPeakGivesKnownBox() throws {
    var t = Self.emptyHead()
    t[3, 4, 1] = 2  // person, sigmoid(2) = 0.880797
    let detections = Self.decode(t)
    try #require(detections.count == 1)
    let d = detections[0]
    #expect(d.detectionClass == .person)
    #expect(abs(d.confidence - 0.880797) < 1e-5)
    // Centre (4.5, 3.5) cells * 8 = (36, 28) input px = (72, 56) image px; size 2 * 8 = 16 input
    // px = 32 image px: box (56, 40, 32, 32) of 160x128.
    #expect(
      Self.close(d.box, NormalizedBox(x: 0.35, y: 0.3125, width: 0.2, height: 0.25)), "\(d.box)")
  }

  @Test func offsetsAndSizesPerAxis() throws {
    var t = Self.emptyHead()
    t[2, 6, 2] = 0  // vehicle, confidence 0.5
    t[2, 6, 3] = log(3)  // sigmoid = 0.75
    t[2, 6, 4] = -log(3)  // sigmoid = 0.25
    t[2, 6, 5] = log(1.5)  // 12 input px wide
    t[2, 6, 6] = log(0.5)  // 4 input px high
    let d = try #require(Self.decode(t).first)
    #expect(d.detectionClass == .vehicle && abs(d.confidence - 0.5) < 1e-6)
    // Centre (6.75 * 8, 2.25 * 8) = (54, 18) input = (108, 36) image; size (24, 8) image px.
    #expect(
      Self.close(d.box, NormalizedBox(x: 96 / 160, y: 32 / 128, width: 24 / 160, height: 8 / 128)))
  }

  @Test func onlyThreeByThreePeaksSurvive() {
    var t = Self.emptyHead()
    t[3, 4, 0] = 2
    t[3, 5, 0] = 1.5  // beside a higher cell: suppressed
    t[4, 4, 0] = 1  // below it: suppressed
    t[3, 6, 0] = 1.6  // two cells away, higher than its neighbour (3, 5): a peak
    t[3, 5, 1] = 1.5  // same cell in another class: its own peak
    let d = Self.decode(t)
    #expect(d.map(\.detectionClass) == [.animal, .animal, .person])
    #expect(d.map { $0.confidence } == [sigmoid(2), sigmoid(1.6), sigmoid(1.5)])
  }

  @Test func thresholdPaddingAndClipping() throws {
    var t = Self.emptyHead()
    t[1, 1, 0] = log(0.05 / 0.95) - 0.01  // just under 0.05
    t[5, 11, 0] = 5  // column 11 starts at input x 88, in the padding (resized width 80)
    t[0, 0, 2] = 3  // large box at the corner: clipped to the image
    t[0, 0, 5] = log(10)  // 80 input px = 160 image px wide
    t[0, 0, 6] = log(10)
    let d = Self.decode(t)
    try #require(d.count == 1)
    #expect(d[0].detectionClass == .vehicle)
    // Centre (4, 4) input = (8, 8) image; half size 80 image px: clipped to (0, 0)-(88, 88).
    #expect(Self.close(d[0].box, NormalizedBox(x: 0, y: 0, width: 88 / 160, height: 88 / 128)))
    #expect(Self.decode(t, minimumConfidence: 0.99).isEmpty)
    #expect(Self.decode(t, minimumConfidence: 0).count > 90)  // every cell's plateau counts
  }

  static func det(
    _ c: DetectionClass, _ conf: Float, _ x: Float, _ y: Float, _ w: Float = 0.2, _ h: Float = 0.2
  ) -> Detection {
    Detection(
      detectionClass: c, confidence: conf, box: NormalizedBox(x: x, y: y, width: w, height: h))
  }

  @Test func intersectionOverUnionByHand() {
    let a = NormalizedBox(x: 0, y: 0, width: 0.5, height: 0.5)
    let b = NormalizedBox(x: 0.25, y: 0.25, width: 0.5, height: 0.5)
    // Intersection 0.25 * 0.25 = 0.0625; union 0.25 + 0.25 - 0.0625 = 0.4375.
    #expect(abs(intersectionOverUnion(a, b) - 0.0625 / 0.4375) < 1e-6)
    #expect(intersectionOverUnion(a, a) == 1)
    #expect(
      abs(intersectionOverUnion(a, NormalizedBox(x: 0, y: 0, width: 1, height: 1)) - 0.25) < 1e-6)
    // Touching edges only.
    #expect(intersectionOverUnion(a, NormalizedBox(x: 0.5, y: 0, width: 0.5, height: 0.5)) == 0)
    #expect(intersectionOverUnion(a, NormalizedBox(x: 0.7, y: 0.7, width: 0.1, height: 0.1)) == 0)
    let empty = NormalizedBox(x: 0.1, y: 0.1, width: 0, height: 0)
    #expect(intersectionOverUnion(empty, empty) == 0)
    #expect(intersectionOverUnion(a, b) == intersectionOverUnion(b, a))
  }

  @Test func nmsSuppressesSameClassOverlapsAboveTheThreshold() {
    let detections = [
      Self.det(.animal, 0.6, 0.12, 0.1),  // IoU with the 0.9 animal: 0.16/0.24 = 0.667
      Self.det(.animal, 0.9, 0.1, 0.1),
      Self.det(.person, 0.8, 0.1, 0.3),  // other class, touching the animals only: kept
      Self.det(.animal, 0.7, 0.5, 0.5),  // far away: kept
      Self.det(.animal, 0.5, 0.2, 0.1),  // IoU 0.333 with the 0.9 animal: kept at 0.5
    ]
    let kept = nonMaximumSuppression(detections, iouThreshold: 0.5, maxDetections: 100)
    #expect(kept == [detections[1], detections[2], detections[3], detections[4]])
    let strict = nonMaximumSuppression(detections, iouThreshold: 0.3, maxDetections: 100)
    #expect(strict == [detections[1], detections[2], detections[3]])
  }

  @Test func nmsKeepsOneClassPerBox() {
    // Two classes firing at the same place are one object: only the stronger class stays.
    let detections = [
      Self.det(.person, 0.7, 0.1, 0.1),  // the 0.9 animal's box: dropped
      Self.det(.animal, 0.9, 0.1, 0.1),
      Self.det(.vehicle, 0.8, 0.12, 0.1),  // IoU 0.667 with the animal: dropped
      Self.det(.person, 0.6, 0.2, 0.1),  // IoU 0.333 with the animal: another object, kept
      Self.det(.vehicle, 0.5, 0.5, 0.5),  // far away: kept
    ]
    let kept = nonMaximumSuppression(detections, iouThreshold: 0.5, maxDetections: 100)
    #expect(kept == [detections[1], detections[3], detections[4]])
  }

  @Test func nmsKeepsTheMostConfidentUpToTheLimit() {
    let detections = (0..<10).map { Self.det(.animal, Float($0) / 10, Float($0) * 0.09, 0) }
    let kept = nonMaximumSuppression(detections, iouThreshold: 0.5, maxDetections: 3)
    #expect(kept.map(\.confidence) == [0.9, 0.8, 0.7])
    #expect(nonMaximumSuppression(detections, iouThreshold: 0.5, maxDetections: 0).isEmpty)
    #expect(nonMaximumSuppression([], iouThreshold: 0.5, maxDetections: 5).isEmpty)
  }

  @Test func nmsIsDeterministicUnderTies() {
    let a = Self.det(.person, 0.5, 0.1, 0.1)
    let b = Self.det(.person, 0.5, 0.15, 0.1)  // overlaps a; same confidence
    let c = Self.det(.animal, 0.5, 0.7, 0.7)
    let d = Self.det(.vehicle, 0.5, 0.73, 0.7)  // c's place (IoU 0.74), same confidence
    let one = nonMaximumSuppression([a, b, c, d], iouThreshold: 0.5, maxDetections: 10)
    let two = nonMaximumSuppression([d, c, b, a], iouThreshold: 0.5, maxDetections: 10)
    #expect(one == two)
    // Class order first (so the animal, not the vehicle, keeps the shared place), then the box
    // nearer the top-left.
    #expect(one == [c, a])
  }
}
