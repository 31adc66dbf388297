import Testing

@testable import ImageIO

@Suite struct RGBImageTests {
  /// 4x3, each pixel [x, y, 7].
  static let image = RGBImage(
    width: 4, height: 3,
    pixels: (0..<3).flatMap { y in (0..<4).flatMap { x in [UInt8(x), UInt8(y), 7] } })

  @Test func pixelAccess() {
    #expect(Self.image.pixel(x: 3, y: 2) == (3, 2, 7))
    #expect(Self.image.pixel(x: 0, y: 1) == (0, 1, 7))
  }

  @Test func cropInside() {
    let crop = Self.image.cropped(x: 1, y: 1, width: 2, height: 2)
    #expect(crop.width == 2 && crop.height == 2)
    #expect(crop.pixels == [1, 1, 7, 2, 1, 7, 1, 2, 7, 2, 2, 7])
  }

  @Test func cropIsClippedToTheImage() {
    let overRight = Self.image.cropped(x: 2, y: -1, width: 10, height: 2)
    #expect(overRight.width == 2 && overRight.height == 1)
    #expect(overRight.pixels == [2, 0, 7, 3, 0, 7])
    let whole = Self.image.cropped(x: -5, y: -5, width: 100, height: 100)
    #expect(whole == Self.image)
  }

  @Test(arguments: [
    (10, 0, 2, 2), (0, 10, 2, 2), (-3, 0, 3, 3), (0, 0, 0, 3), (1, 1, -4, 2),
    (Int.max, Int.max, Int.max, Int.max), (Int.min, Int.min, Int.max, Int.max),
    (1, 1, Int.max, Int.max),
  ])
  func degenerateCropsNeverTrap(_ rect: (Int, Int, Int, Int)) {
    let crop = Self.image.cropped(x: rect.0, y: rect.1, width: rect.2, height: rect.3)
    #expect(crop.pixels.count == crop.width * crop.height * 3)
    #expect(crop.width <= 4 && crop.height <= 3)
  }

  @Test func cropAtLargeOffsetKeepsTheRest() {
    let crop = Self.image.cropped(x: 1, y: 1, width: Int.max, height: Int.max)
    #expect(crop.width == 3 && crop.height == 2)
  }

  @Test func downscaleAveragesBoxes() {
    // 4x2 -> 2x1: each output pixel is the mean of a 2x2 box.
    let source = RGBImage(
      width: 4, height: 2,
      pixels: [
        0, 0, 0, 10, 10, 10, 100, 0, 0, 200, 0, 0,
        20, 20, 20, 30, 30, 30, 0, 50, 0, 0, 51, 0,
      ])
    let small = source.downscaled(toLongSide: 2)
    #expect(small.width == 2 && small.height == 1)
    #expect(small.pixels == [15, 15, 15, 75, 25, 0])
  }

  @Test func downscaleKeepsAspectAndNeverEnlarges() {
    let wide = RGBImage(width: 100, height: 40, pixels: [UInt8](repeating: 9, count: 100 * 40 * 3))
    let small = wide.downscaled(toLongSide: 25)
    #expect(small.width == 25 && small.height == 10)
    #expect(small.pixels.allSatisfy { $0 == 9 })
    let tall = RGBImage(width: 3, height: 200, pixels: [UInt8](repeating: 1, count: 3 * 200 * 3))
    let thin = tall.downscaled(toLongSide: 20)
    #expect(thin.width == 1 && thin.height == 20)
    #expect(wide.downscaled(toLongSide: 100) == wide)
    #expect(wide.downscaled(toLongSide: 500) == wide)
  }

  @Test func downscaledPNGIsCloseToTheDCTScaledJPEG() throws {
    // The same smooth picture: a box-filtered full decode and a 1/4 DCT decode agree roughly.
    let full = try ImageDecoder.decode(
      fileAt: Fixture.path("jpeg_smooth_64x48.jpg"), options: DecodeOptions())
    let dct = try ImageDecoder.decode(
      fileAt: Fixture.path("jpeg_smooth_64x48.jpg"), options: DecodeOptions(minimumLongSide: 16))
    let boxed = full.image.downscaled(toLongSide: 16)
    #expect(boxed.width == dct.image.width && boxed.height == dct.image.height)
    #expect(try #require(maxAbsDifference(boxed, dct.image)) <= 6)
  }
}
