import Foundation
import Testing

@testable import Formats

/// `MegaDetectorOutput.encode` writes the document image by image (no whole-document `JSONValue`
/// in memory); its bytes must stay exactly those of writing `document(images:info:)` at once.
@Suite struct MegaDetectorStreamingTests {
  static func whole(_ images: [ImageRecord]) -> [UInt8] {
    JSONWriter.megaDetector.bytes(
      MegaDetectorOutput.document(images: images, info: GoldenData.info))
  }

  @Test func streamedEqualsWholeDocument() {
    let sets: [[ImageRecord]] = [
      GoldenData.images, [], [GoldenData.images[0]],
      GoldenData.images.reversed(),
      [ImageRecord(file: "x.jpg", detections: []), ImageRecord.failed(file: "y.jpg", reason: "r")],
    ]
    for images in sets {
      #expect(MegaDetectorOutput.encode(images: images, info: GoldenData.info) == Self.whole(images))
    }
  }
}

/// `MegaDetectorStreamEncoder`, the piecewise writer scans use for cards too large to hold:
/// header + images + footer must be exactly `encode(images:info:)`.
@Suite struct MegaDetectorStreamEncoderTests {
  static func streamed(_ images: [ImageRecord]) -> [UInt8] {
    var encoder = MegaDetectorStreamEncoder()
    var out = encoder.header(info: GoldenData.info)
    for image in MegaDetectorOutput.normalized(images).map({ $0 }) {
      out += encoder.image(image)
    }
    return out + encoder.footer()
  }

  @Test func piecesEqualTheWholeEncoding() {
    let sets: [[ImageRecord]] = [
      GoldenData.images, [], [GoldenData.images[0]], GoldenData.images.reversed(),
      [ImageRecord(file: "x.jpg", detections: []), ImageRecord.failed(file: "y.jpg", reason: "r")],
    ]
    for images in sets {
      #expect(Self.streamed(images) == MegaDetectorOutput.encode(images: images, info: GoldenData.info))
    }
  }

  @Test func countsImages() {
    var encoder = MegaDetectorStreamEncoder()
    _ = encoder.image(ImageRecord(file: "a.jpg", detections: []))
    _ = encoder.image(ImageRecord(file: "b.jpg", detections: []))
    #expect(encoder.imageCount == 2)
  }
}
