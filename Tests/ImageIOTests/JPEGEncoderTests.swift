import Testing

@testable import ImageIO

/// libjpeg-turbo's encoder behind ``JPEGEncoder``: what it writes decodes back to the image,
/// carries no metadata, and keeps full-resolution colour.
@Suite struct JPEGEncoderTests {
  /// A smooth gradient with a bright square: edges and flat areas both.
  static func gradient(width: Int, height: Int) -> RGBImage {
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    for y in 0..<height {
      for x in 0..<width {
        let i = (y * width + x) * 3
        let inSquare = x >= 5 && x < 14 && y >= 6 && y < 15
        pixels[i] = inSquare ? 240 : UInt8(40 + 160 * x / max(1, width - 1))
        pixels[i + 1] = inSquare ? 230 : UInt8(60 + 120 * y / max(1, height - 1))
        pixels[i + 2] = inSquare ? 220 : 128
      }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
  }

  /// Mean absolute difference per channel.
  static func meanDifference(_ a: RGBImage, _ b: RGBImage) -> Double {
    let total = zip(a.pixels, b.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
    return Double(total) / Double(a.pixels.count)
  }

  /// The marker segments before the first scan: (marker, payload).
  static func segments(_ jpeg: [UInt8]) -> [(marker: UInt8, payload: ArraySlice<UInt8>)] {
    var out: [(UInt8, ArraySlice<UInt8>)] = []
    var i = 2
    while i + 4 <= jpeg.count, jpeg[i] == 0xFF {
      let marker = jpeg[i + 1]
      let length = Int(jpeg[i + 2]) << 8 | Int(jpeg[i + 3])
      out.append((marker, jpeg[(i + 4)..<(i + 2 + length)]))
      if marker == 0xDA { break }
      i += 2 + length
    }
    return out
  }

  @Test func roundTripsThroughTheDecoder() throws {
    let image = Self.gradient(width: 37, height: 29)  // not a multiple of 8
    let bytes = try JPEGEncoder.encode(image, quality: 95)
    #expect(bytes.starts(with: [0xFF, 0xD8, 0xFF, 0xE0]) && bytes.suffix(2) == [0xFF, 0xD9])
    let decoded = try ImageDecoder.decode(data: bytes, path: "t.jpg")
    #expect(decoded.format == .jpeg)
    #expect(decoded.image.width == 37 && decoded.image.height == 29)
    #expect(Self.meanDifference(decoded.image, image) < 3)
    let lower = try ImageDecoder.decode(
      data: try JPEGEncoder.encode(image, quality: 30), path: "t.jpg")
    #expect(Self.meanDifference(lower.image, image) < 12)
  }

  @Test func writesBaselineFullResolutionColourAndNoMetadata() throws {
    let bytes = try JPEGEncoder.encode(Self.gradient(width: 16, height: 8), quality: 90)
    let markers = Self.segments(bytes).map(\.marker)
    // JFIF, tables, baseline frame, Huffman tables, scan: no APP1 (EXIF/XMP), no comment.
    #expect(markers.first == 0xE0)
    #expect(markers.contains(0xC0) && markers.last == 0xDA)
    #expect(!markers.contains { ($0 >= 0xE1 && $0 <= 0xEF) || $0 == 0xFE })
    let frame = try #require(Self.segments(bytes).first { $0.marker == 0xC0 }).payload
    let f = Array(frame)
    #expect(f[0] == 8 && f[5] == 3)  // 8-bit, three components
    #expect([f[7], f[10], f[13]] == [0x11, 0x11, 0x11])  // no chroma subsampling
    #expect(ImageDecoder.metadata(of: bytes).gps == nil)
  }

  @Test func higherQualityIsCloserAndLarger() throws {
    let image = Self.gradient(width: 64, height: 48)
    let low = try JPEGEncoder.encode(image, quality: 20)
    let high = try JPEGEncoder.encode(image, quality: 98)
    #expect(high.count > low.count)
    let lowDecoded = try ImageDecoder.decode(data: low, path: "low.jpg").image
    let highDecoded = try ImageDecoder.decode(data: high, path: "high.jpg").image
    #expect(Self.meanDifference(highDecoded, image) < Self.meanDifference(lowDecoded, image))
  }

  @Test func sameImageSameBytes() throws {
    let image = Self.gradient(width: 40, height: 30)
    #expect(try JPEGEncoder.encode(image) == (try JPEGEncoder.encode(image)))
  }

  /// More output than the first buffer holds (noise compresses badly): the buffer grows.
  @Test func largeNoisyImageGrowsTheBuffer() throws {
    var state: UInt32 = 12345
    let pixels = (0..<(300 * 200 * 3)).map { _ -> UInt8 in
      state = state &* 1_664_525 &+ 1_013_904_223
      return UInt8(state >> 24)
    }
    let image = RGBImage(width: 300, height: 200, pixels: pixels)
    let bytes = try JPEGEncoder.encode(image, quality: 100)
    #expect(bytes.count > 300 * 200 * 3 / 4 + 4096)
    let decoded = try ImageDecoder.decode(data: bytes, path: "noise.jpg").image
    #expect(Self.meanDifference(decoded, image) < 8)
  }

  @Test func emptyImageIsRefused() {
    #expect(throws: JPEGEncodeError.self) {
      _ = try JPEGEncoder.encode(RGBImage(width: 0, height: 0, pixels: []))
    }
  }
}
