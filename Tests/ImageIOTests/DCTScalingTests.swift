import Testing

@testable import ImageIO

/// `minimumLongSide` picks the smallest M/8 (M in 1...8) whose long side is still at least the
/// target; sizes follow libjpeg's ceil(size * M / 8).
@Suite struct DCTScalingTests {
  /// (minimumLongSide, expected width, expected height) for the 64x48 fixture.
  static let smoothCases: [(Int?, Int, Int)] = [
    (nil, 64, 48), (-5, 8, 6), (0, 8, 6), (1, 8, 6), (8, 8, 6), (9, 16, 12), (16, 16, 12),
    (17, 24, 18), (24, 24, 18), (25, 32, 24), (32, 32, 24), (33, 40, 30), (41, 48, 36),
    (48, 48, 36), (49, 56, 42), (57, 64, 48), (64, 64, 48), (65, 64, 48), (10_000, 64, 48),
  ]

  @Test(arguments: smoothCases)
  func picksTheSmallestSufficientScale(_ testCase: (Int?, Int, Int)) throws {
    let (target, width, height) = testCase
    let decoded = try ImageDecoder.decode(
      fileAt: Fixture.path("jpeg_smooth_64x48.jpg"),
      options: DecodeOptions(minimumLongSide: target))
    #expect(decoded.image.width == width && decoded.image.height == height)
    #expect(decoded.image.pixels.count == width * height * 3)
    #expect(decoded.fullWidth == 64 && decoded.fullHeight == 48)
  }

  /// Odd sizes round up: 33x17 at 1/8 is 5x3, at 3/8 is 13x7.
  @Test(arguments: [(5, 5, 3), (6, 9, 5), (12, 13, 7), (13, 13, 7), (14, 17, 9), (33, 33, 17)])
  func oddSizesRoundUp(_ testCase: (Int, Int, Int)) throws {
    let (target, width, height) = testCase
    let decoded = try ImageDecoder.decode(
      fileAt: Fixture.path("jpeg_baseline_420_33x17.jpg"),
      options: DecodeOptions(minimumLongSide: target))
    #expect(decoded.image.width == width && decoded.image.height == height)
  }

  /// Scaled pixels against `djpeg -scale M/8 -dct int` (the same libjpeg-turbo release, a
  /// separate program): identical up to 1 level.
  @Test(arguments: [(1, 8, 6), (2, 16, 12), (3, 24, 18), (4, 32, 24), (6, 48, 36)])
  func scaledPixelsMatchDjpeg(_ testCase: (Int, Int, Int)) throws {
    let (scale, width, height) = testCase
    let decoded = try ImageDecoder.decode(
      fileAt: Fixture.path("jpeg_smooth_64x48.jpg"),
      options: DecodeOptions(minimumLongSide: width))
    let expected = try Fixture.rgb(
      "jpeg_smooth_64x48_scale\(scale)_\(width)x\(height).rgb", width: width, height: height)
    let difference = try #require(maxAbsDifference(decoded.image, expected))
    #expect(difference <= 1)
  }

  @Test func progressiveFilesScaleToo() throws {
    let decoded = try ImageDecoder.decode(
      fileAt: Fixture.path("jpeg_progressive_64x48.jpg"),
      options: DecodeOptions(minimumLongSide: 16))
    #expect(decoded.image.width == 16 && decoded.image.height == 12)
  }

  /// The long side after orientation is the same as before, so a rotated image scales by the
  /// same factor; the result and the full size are both upright.
  @Test func scalingWithRotation() throws {
    let writer = TIFFWriter(bigEndian: false)
    let jpeg = ImageSurgery.insertingAPP1(
      writer.app1Payload(ifd0: [writer.short(0x0112, 6)]),
      into: try Fixture.bytes("jpeg_quadrants_64x32.jpg"))
    let decoded = try ImageDecoder.decode(
      data: jpeg, path: "rotated.jpg", options: DecodeOptions(minimumLongSide: 16))
    #expect(decoded.image.width == 8 && decoded.image.height == 16)
    #expect(decoded.fullWidth == 32 && decoded.fullHeight == 64)
  }

  @Test func maxPixelsAppliesToTheFullSizeNotTheScaledOne() {
    let result = decodeError(
      try! Fixture.bytes("jpeg_smooth_64x48.jpg"), path: "big.jpg",
      options: DecodeOptions(minimumLongSide: 8, maxPixels: 64 * 48 - 1))
    #expect(result == .tooLarge(path: "big.jpg", width: 64, height: 48, limit: 64 * 48 - 1))
  }
}
