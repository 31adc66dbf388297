import Testing

@testable import ImageIO

/// RGBImage.applying(_:) for all eight EXIF orientations, as pure transforms and end to end
/// through JPEG APP1 and PNG eXIf.
@Suite struct OrientationTests {
  /// A 3x2 image whose pixel values name their position: (x, y) -> [10y + x, 0, 0].
  static let stored = RGBImage(
    width: 3, height: 2, pixels: [0, 1, 2, 10, 11, 12].flatMap { [UInt8($0), 0, 0] })

  /// Expected upright images written out by hand from the TIFF definitions ("row 0 is the
  /// visual ..., column 0 is the visual ..."), as the red values row by row.
  static let expected: [(ExifOrientation, Int, Int, [UInt8])] = [
    (.up, 3, 2, [0, 1, 2, 10, 11, 12]),
    (.upMirrored, 3, 2, [2, 1, 0, 12, 11, 10]),
    (.down, 3, 2, [12, 11, 10, 2, 1, 0]),
    (.downMirrored, 3, 2, [10, 11, 12, 0, 1, 2]),
    (.leftMirrored, 2, 3, [0, 10, 1, 11, 2, 12]),
    (.right, 2, 3, [10, 0, 11, 1, 12, 2]),
    (.rightMirrored, 2, 3, [12, 2, 11, 1, 10, 0]),
    (.left, 2, 3, [2, 12, 1, 11, 0, 10]),
  ]

  @Test(arguments: expected)
  func transformsMatchTheTIFFDefinitions(_ testCase: (ExifOrientation, Int, Int, [UInt8])) {
    let (orientation, width, height, reds) = testCase
    let upright = Self.stored.applying(orientation)
    #expect(upright.width == width && upright.height == height)
    #expect(upright.pixels == reds.flatMap { [$0, 0, 0] })
    #expect(orientation.swapsDimensions == (orientation.rawValue >= 5))
  }

  @Test func rawValuesAreOneToEight() {
    #expect(ExifOrientation.allCases.map(\.rawValue) == Array(1...8))
    #expect(ExifOrientation(rawValue: 0) == nil && ExifOrientation(rawValue: 9) == nil)
  }

  @Test func emptyImagesSwapSizesToo() {
    let empty = RGBImage(width: 0, height: 5, pixels: [])
    let rotated = empty.applying(.right)
    #expect(rotated.width == 5 && rotated.height == 0)
  }

  /// PNGs with each orientation in an eXIf chunk, against Pillow's ImageOps.exif_transpose of
  /// the same file: exact.
  @Test(arguments: ExifOrientation.allCases)
  func pngMatchesPillowExifTranspose(_ orientation: ExifOrientation) throws {
    let n = orientation.rawValue
    let (width, height) = orientation.swapsDimensions ? (3, 5) : (5, 3)
    let decoded = try ImageDecoder.decode(
      fileAt: Fixture.path("png_orientation\(n)_5x3.png"), options: DecodeOptions())
    let expected = try Fixture.rgb(
      "png_orientation\(n)_5x3_upright_\(width)x\(height).rgb", width: width, height: height)
    #expect(decoded.metadata.orientation == orientation)
    #expect(decoded.image == expected)
    #expect(decoded.fullWidth == width && decoded.fullHeight == height)
  }

  enum Colour { case red, green, blue, white }

  /// For the 64x32 quadrant fixture (stored: red | green over blue | white), the upright
  /// corners (top-left, top-right, bottom-left, bottom-right) for each orientation.
  static let corners: [(ExifOrientation, [Colour])] = [
    (.up, [.red, .green, .blue, .white]),
    (.upMirrored, [.green, .red, .white, .blue]),
    (.down, [.white, .blue, .green, .red]),
    (.downMirrored, [.blue, .white, .red, .green]),
    (.leftMirrored, [.red, .blue, .green, .white]),
    (.right, [.blue, .red, .white, .green]),
    (.rightMirrored, [.white, .green, .blue, .red]),
    (.left, [.green, .white, .red, .blue]),
  ]

  static func colour(_ pixel: (r: UInt8, g: UInt8, b: UInt8)) -> Colour? {
    switch (pixel.r > 128, pixel.g > 128, pixel.b > 128) {
    case (true, false, false): .red
    case (false, true, false): .green
    case (false, false, true): .blue
    case (true, true, true): .white
    default: nil
    }
  }

  /// JPEG with an APP1 EXIF segment spliced in (little-endian for odd values, big-endian for
  /// even ones).
  @Test(arguments: corners)
  func jpegCornersLandWhereTheSpecSays(_ testCase: (ExifOrientation, [Colour])) throws {
    let (orientation, expectedCorners) = testCase
    let writer = TIFFWriter(bigEndian: orientation.rawValue % 2 == 0)
    let jpeg = ImageSurgery.insertingAPP1(
      writer.app1Payload(ifd0: [writer.short(0x0112, UInt16(orientation.rawValue))]),
      into: try Fixture.bytes("jpeg_quadrants_64x32.jpg"))
    let decoded = try ImageDecoder.decode(data: jpeg, path: "o.jpg", options: DecodeOptions())
    let image = decoded.image
    let (width, height) = orientation.swapsDimensions ? (32, 64) : (64, 32)
    #expect(image.width == width && image.height == height)
    #expect(decoded.fullWidth == width && decoded.fullHeight == height)
    #expect(decoded.metadata.orientation == orientation)
    // Sample 2 pixels in from each corner, inside the flat areas.
    let samples = [(2, 2), (width - 3, 2), (2, height - 3), (width - 3, height - 3)]
    let found = samples.map { Self.colour(image.pixel(x: $0.0, y: $0.1)) }
    #expect(found == expectedCorners.map { Optional($0) })
  }

  /// Applying an orientation and then its inverse gives the original back; the eight
  /// results on an asymmetric image are all different.
  @Test func orientationsAreDistinctAndInvertible() {
    let image = RGBImage(width: 4, height: 3, pixels: (0..<36).map { UInt8($0 * 7) })
    let inverse: [ExifOrientation: ExifOrientation] = [
      .up: .up, .upMirrored: .upMirrored, .down: .down, .downMirrored: .downMirrored,
      .leftMirrored: .leftMirrored, .right: .left, .rightMirrored: .rightMirrored, .left: .right,
    ]
    var seen: [[UInt8]] = []
    for orientation in ExifOrientation.allCases {
      let upright = image.applying(orientation)
      #expect(upright.applying(inverse[orientation]!) == image)
      #expect(!seen.contains(upright.pixels))
      seen.append(upright.pixels)
    }
  }
}
