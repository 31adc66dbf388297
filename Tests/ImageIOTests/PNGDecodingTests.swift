import Testing

@testable import ImageIO

/// PNG pixels against references computed from the fixture generator's source arrays:
/// 16-bit samples become round(v/257); alpha (channel or tRNS) is composited over black as
/// round(c*a/255). PNG is lossless, so the match must be exact.
@Suite struct PNGDecodingTests {
  static let references: [(name: String, width: Int, height: Int)] = [
    ("png_rgb8_33x17", 33, 17),
    ("png_rgb16_16x12", 16, 12),
    ("png_gray8_33x17", 33, 17),
    ("png_gray16_16x12", 16, 12),
    ("png_gray1_33x17", 33, 17),
    ("png_gray2_33x17", 33, 17),
    ("png_gray4_33x17", 33, 17),
    ("png_graya8_16x12", 16, 12),
    ("png_graya16_16x12", 16, 12),
    ("png_rgba8_33x17", 33, 17),
    ("png_rgba16_16x12", 16, 12),
    ("png_palette8_trns_33x17", 33, 17),
    ("png_palette2_16x12", 16, 12),
    ("png_palette1_1x1", 1, 1),
    ("png_rgb8_trns_16x12", 16, 12),
    ("png_gray16_trns_16x12", 16, 12),
    ("png_interlaced_rgb8_33x17", 33, 17),
    ("png_interlaced_rgba16_33x17", 33, 17),
  ]

  @Test(arguments: references)
  func matchesSourceExactly(_ reference: (name: String, width: Int, height: Int)) throws {
    let decoded = try ImageDecoder.decode(
      fileAt: Fixture.path(reference.name + ".png"), options: DecodeOptions())
    let expected = try Fixture.rgb(
      reference.name + ".rgb", width: reference.width, height: reference.height)
    #expect(decoded.format == .png)
    #expect(decoded.fullWidth == reference.width && decoded.fullHeight == reference.height)
    #expect(decoded.image.pixels.count == reference.width * reference.height * 3)
    #expect(
      decoded.image == expected,
      "\(reference.name): \(maxAbsDifference(decoded.image, expected) ?? -1)")
    #expect(decoded.metadata == ImageMetadata())
  }

  @Test func interlacingDoesNotChangePixels() throws {
    // The interlaced fixture and the plain one share no source, so compare each to its own
    // reference above; here check that an interlaced file is really interlaced (IHDR byte 28).
    let data = try Fixture.bytes("png_interlaced_rgb8_33x17.png")
    #expect(data[28] == 1)
  }

  /// PNG has no DCT scaling: minimumLongSide does not shrink it.
  @Test func minimumLongSideIsIgnored() throws {
    let decoded = try ImageDecoder.decode(
      fileAt: Fixture.path("png_rgb8_33x17.png"), options: DecodeOptions(minimumLongSide: 4))
    #expect(decoded.image.width == 33 && decoded.image.height == 17)
  }

  @Test func readsAnExifChunk() throws {
    let writer = TIFFWriter(bigEndian: false)
    let tiff = writer.build(
      ifd0: [writer.short(0x0112, 8), writer.ascii(0x010F, "Browning")],
      exif: [writer.ascii(0x9003, "2023:12:31 23:59:59")])
    let png = ImageSurgery.insertingAfterIHDR(
      ImageSurgery.pngChunk("eXIf", tiff), into: try Fixture.bytes("png_rgb8_33x17.png"))
    let decoded = try ImageDecoder.decode(data: png, path: "exif.png", options: DecodeOptions())
    #expect(decoded.metadata.orientation == .left)
    #expect(decoded.metadata.make == "Browning")
    #expect(decoded.metadata.capturedAt == "2023-12-31T23:59:59")
    #expect(decoded.image.width == 17 && decoded.image.height == 33)
    #expect(decoded.fullWidth == 17 && decoded.fullHeight == 33)
  }

  @Test func readsAnExifChunkAfterTheImageData() throws {
    let writer = TIFFWriter(bigEndian: true)
    let tiff = writer.build(ifd0: [writer.short(0x0112, 3)])
    var png = try Fixture.bytes("png_gray8_33x17.png")
    let iend = try #require(ImageSurgery.pngChunks(png, type: "IEND").first)
    png.insert(contentsOf: ImageSurgery.pngChunk("eXIf", tiff), at: iend.offset)
    let decoded = try ImageDecoder.decode(data: png, path: "late.png", options: DecodeOptions())
    #expect(decoded.metadata.orientation == .down)
    let plain = try Fixture.rgb("png_gray8_33x17.rgb", width: 33, height: 17)
    #expect(decoded.image == plain.applying(.down))
  }
}
