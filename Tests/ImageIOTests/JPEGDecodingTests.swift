import Testing

@testable import ImageIO

/// JPEG pixels against Pillow's decode of the same files (Pillow bundles its own
/// libjpeg-turbo). Both use the accurate integer IDCT and fancy upsampling, so they should
/// agree to within rounding: the tolerance is 2 levels per channel.
@Suite struct JPEGDecodingTests {
  static let tolerance = 2

  static let references: [(name: String, width: Int, height: Int)] = [
    ("jpeg_baseline_420_16x12", 16, 12),
    ("jpeg_baseline_420_33x17", 33, 17),
    ("jpeg_baseline_444_33x17", 33, 17),
    ("jpeg_progressive_33x17", 33, 17),
    ("jpeg_progressive_64x48", 64, 48),
    ("jpeg_gray_33x17", 33, 17),
    ("jpeg_cmyk_16x12", 16, 12),
    ("jpeg_smooth_64x48", 64, 48),
    ("jpeg_restart_33x17", 33, 17),
  ]

  @Test(arguments: references)
  func matchesPillow(_ reference: (name: String, width: Int, height: Int)) throws {
    let decoded = try ImageDecoder.decode(
      fileAt: Fixture.path(reference.name + ".jpg"), options: DecodeOptions())
    let expected = try Fixture.rgb(
      reference.name + ".rgb", width: reference.width, height: reference.height)
    #expect(decoded.format == .jpeg)
    #expect(decoded.image.width == reference.width)
    #expect(decoded.image.height == reference.height)
    #expect(decoded.fullWidth == reference.width)
    #expect(decoded.fullHeight == reference.height)
    #expect(decoded.image.pixels.count == reference.width * reference.height * 3)
    let difference = try #require(maxAbsDifference(decoded.image, expected))
    #expect(difference <= Self.tolerance, "\(reference.name): max difference \(difference)")
  }

  /// An arithmetic-coded lossless transcode (jpegtran -arithmetic) of the baseline fixture
  /// decodes to the baseline's reference.
  @Test func arithmeticCodingDecodes() throws {
    let decoded = try ImageDecoder.decode(
      fileAt: Fixture.path("jpeg_arithmetic_33x17.jpg"), options: DecodeOptions())
    let expected = try Fixture.rgb("jpeg_baseline_420_33x17.rgb", width: 33, height: 17)
    let difference = try #require(maxAbsDifference(decoded.image, expected))
    #expect(difference <= Self.tolerance)
  }

  /// Many decodes at once (the pipeline decodes concurrently): each result equals the serial
  /// one.
  @Test func concurrentDecodesAgreeWithSerialOnes() async throws {
    let names =
      Self.references.map { $0.name + ".jpg" }
      + PNGDecodingTests.references.map { $0.name + ".png" }
    var serial: [String: RGBImage] = [:]
    for name in names {
      serial[name] = try ImageDecoder.decode(fileAt: Fixture.path(name), options: DecodeOptions())
        .image
    }
    let parallel = try await withThrowingTaskGroup(of: (String, RGBImage).self) { group in
      for round in 0..<4 {
        for name in names {
          group.addTask {
            let options = DecodeOptions(minimumLongSide: round == 3 ? 8 : nil)
            let image = try ImageDecoder.decode(fileAt: Fixture.path(name), options: options).image
            return (round == 3 ? "" : name, image)
          }
        }
      }
      var results: [(String, RGBImage)] = []
      for try await result in group { results.append(result) }
      return results
    }
    #expect(parallel.count == names.count * 4)
    for (name, image) in parallel where !name.isEmpty { #expect(serial[name] == image) }
  }

  /// Stray bytes between the last scan and EOI (written by some cameras) leave the pixels
  /// intact, so they are tolerated.
  @Test func paddingBeforeEOIIsTolerated() throws {
    var jpeg = try Fixture.bytes("jpeg_baseline_420_33x17.jpg")
    #expect(Array(jpeg.suffix(2)) == [0xFF, 0xD9])
    jpeg.insert(contentsOf: [0x00, 0x12, 0x34, 0x00], at: jpeg.count - 2)
    let decoded = try ImageDecoder.decode(data: jpeg, path: "padded.jpg", options: DecodeOptions())
    let expected = try Fixture.rgb("jpeg_baseline_420_33x17.rgb", width: 33, height: 17)
    #expect(try #require(maxAbsDifference(decoded.image, expected)) <= Self.tolerance)
  }

  @Test func grayscaleIsExpandedToEqualChannels() throws {
    let decoded = try ImageDecoder.decode(
      fileAt: Fixture.path("jpeg_gray_33x17.jpg"), options: DecodeOptions())
    for index in stride(from: 0, to: decoded.image.pixels.count, by: 3) {
      let p = decoded.image.pixels
      #expect(p[index] == p[index + 1] && p[index] == p[index + 2])
    }
  }

  /// Pillow writes CMYK JPEGs inverted with an Adobe marker; a wrong inversion would turn the
  /// image into its negative, far outside the tolerance. Spot-check colours too.
  @Test func cmykIsConvertedNotInverted() throws {
    let decoded = try ImageDecoder.decode(
      fileAt: Fixture.path("jpeg_cmyk_16x12.jpg"), options: DecodeOptions())
    // The source pattern: red rises left to right, green top to bottom.
    let topLeft = decoded.image.pixel(x: 0, y: 0)
    let bottomRight = decoded.image.pixel(x: 15, y: 11)
    #expect(topLeft.r < 40 && topLeft.g < 40)
    #expect(bottomRight.r > 215 && bottomRight.g > 215)
  }

  @Test func progressiveAndBaselineOfTheSamePictureAgree() throws {
    let baseline = try ImageDecoder.decode(
      fileAt: Fixture.path("jpeg_baseline_420_33x17.jpg"), options: DecodeOptions())
    let progressive = try ImageDecoder.decode(
      fileAt: Fixture.path("jpeg_progressive_33x17.jpg"), options: DecodeOptions())
    // Same source and quality, different coding: close, not identical.
    let difference = try #require(maxAbsDifference(baseline.image, progressive.image))
    #expect(difference <= 16)
  }

  @Test func decodingFromDataEqualsDecodingTheFile() throws {
    let name = "jpeg_baseline_420_33x17.jpg"
    let fromFile = try ImageDecoder.decode(fileAt: Fixture.path(name), options: DecodeOptions())
    let fromData = try ImageDecoder.decode(
      data: Fixture.bytes(name), path: "x.jpg", options: DecodeOptions())
    #expect(fromFile.image == fromData.image)
  }

  @Test func formatIsSniffedNotTakenFromTheName() throws {
    let png = try Fixture.bytes("png_rgb8_33x17.png")
    let decoded = try ImageDecoder.decode(data: png, path: "misnamed.jpg", options: DecodeOptions())
    #expect(decoded.format == .png)
    let jpeg = try Fixture.bytes("jpeg_gray_33x17.jpg")
    #expect(try ImageDecoder.decode(data: jpeg, path: "misnamed.png").format == .jpeg)
  }

  @Test func noExifMeansDefaultMetadata() throws {
    let decoded = try ImageDecoder.decode(
      fileAt: Fixture.path("jpeg_baseline_420_16x12.jpg"), options: DecodeOptions())
    #expect(decoded.metadata == ImageMetadata())
  }

  /// EXIF written by Pillow (big-endian), read back through the JPEG path; orientation 6 is
  /// applied to the pixels and the sizes.
  @Test func readsExifWrittenByPillow() throws {
    let decoded = try ImageDecoder.decode(
      fileAt: Fixture.path("jpeg_exif_pillow_16x12.jpg"), options: DecodeOptions())
    let metadata = decoded.metadata
    #expect(metadata.make == "Reconyx")
    #expect(metadata.model == "HyperFire 2")
    #expect(metadata.orientation == .right)
    #expect(metadata.dateTimeOriginal == "2024-05-01T06:12:09")
    #expect(metadata.offsetTimeOriginal == "+02:00")
    #expect(metadata.capturedAt == "2024-05-01T06:12:09+02:00")
    let gps = try #require(metadata.gps)
    #expect(abs(gps.latitude - -(33 + 51.0 / 60 + 54.36 / 3600)) < 1e-9)
    #expect(abs(gps.longitude - (151 + 12.0 / 60 + 36.0 / 3600)) < 1e-9)
    #expect(gps.altitude == -12.5)
    #expect(decoded.image.width == 12 && decoded.image.height == 16)
    #expect(decoded.fullWidth == 12 && decoded.fullHeight == 16)
    #expect(ImageDecoder.metadata(of: try Fixture.bytes("jpeg_exif_pillow_16x12.jpg")) == metadata)
  }
}
