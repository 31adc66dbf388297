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
