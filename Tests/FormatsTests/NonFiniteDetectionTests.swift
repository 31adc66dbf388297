import Testing

@testable import Formats

/// Found by scripts/fuzz (megadetector target): a detections.json with `Infinity` (or NaN, or a
/// literal such as 1e999 beyond Double's range) as a box coordinate or confidence was accepted,
/// then written back with null in its place, which no reader accepts. Such files are refused
/// when read, naming the member.
@Suite struct NonFiniteDetectionTests {
  static func document(conf: String, x: String) -> [UInt8] {
    Array(
      """
      {"images": [{"file": "a.jpg", "detections": [
        {"category": "2", "conf": \(conf), "bbox": [\(x), 0.1, 0.2, 0.3]}]}]}
      """.utf8)
  }

  @Test(arguments: ["Infinity", "-Infinity", "NaN", "1e999"])
  func nonFiniteBoxCoordinateIsRefused(value: String) {
    #expect(throws: MegaDetectorDecodeError.self) {
      try MegaDetectorOutput.decode(Self.document(conf: "0.5", x: value))
    }
  }

  @Test(arguments: ["Infinity", "NaN", "-1e400"])
  func nonFiniteConfidenceIsRefused(value: String) {
    let error = #expect(throws: MegaDetectorDecodeError.self) {
      try MegaDetectorOutput.decode(Self.document(conf: value, x: "0.1"))
    }
    #expect(error?.description.contains("conf") == true)
  }

  @Test func finiteValuesStillRoundTrip() throws {
    let results = try MegaDetectorOutput.decode(Self.document(conf: "0.5", x: "1e-300"))
    let again = try MegaDetectorOutput.decode(
      MegaDetectorOutput.encode(images: results.images, info: results.info))
    #expect(again.images.count == 1)
  }
}
