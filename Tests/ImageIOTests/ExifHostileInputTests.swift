import SeededRandom
import Testing

@testable import ImageIO

/// ExifParser on broken and hostile input: it returns what it can and never traps or hangs.
@Suite struct ExifHostileInputTests {
  let w = TIFFWriter(bigEndian: false)

  /// Offset of IFD0 entry `index` in a little-endian TIFF from TIFFWriter (IFD0 at 8).
  func entryOffset(_ index: Int) -> Int { 8 + 2 + 12 * index }

  func putUInt32(_ value: UInt32, at offset: Int, in bytes: inout [UInt8]) {
    bytes.replaceSubrange(offset..<(offset + 4), with: w.uint32(value))
  }

  @Test func notTIFFAtAll() {
    let inputs: [[UInt8]] = [
      [], [0x00], Array("Exif".utf8) + [0, 0], Array("hello, world".utf8),
      [0x49, 0x49, 0x2A, 0x00], [0x4D, 0x4D, 0x2A, 0x00, 0, 0, 0, 8], [0xFF, 0xE1, 0x00, 0x02],
    ]
    for input in inputs { #expect(ExifParser.parse(input) == ImageMetadata()) }
  }

  @Test func ifd0OffsetOutOfRange() {
    var tiff = w.build(ifd0: [w.short(0x0112, 6)])
    for offset: UInt32 in [0xFFFF_FFF0, UInt32(tiff.count), UInt32(tiff.count - 1), 0x8000_0000] {
      putUInt32(offset, at: 4, in: &tiff)
      #expect(ExifParser.parse(tiff) == ImageMetadata())
    }
  }

  @Test func valueOffsetOutOfRangeLosesOnlyThatValue() {
    // Entries sorted: Make (0x010F) is entry 0, Model 1, Orientation 2.
    var tiff = w.build(ifd0: [
      w.ascii(0x010F, "Bushnell Core"), w.ascii(0x0110, "Trophy Cam HD"), w.short(0x0112, 3),
    ])
    putUInt32(0xFFFF_0000, at: entryOffset(0) + 8, in: &tiff)
    let metadata = ExifParser.parse(tiff)
    #expect(metadata.make == nil)
    #expect(metadata.model == "Trophy Cam HD")
    #expect(metadata.orientation == .down)
  }

  @Test func subIFDPointersOutOfRange() {
    var tiff = w.build(ifd0: [w.short(0x0112, 8)], exif: [w.ascii(0x9003, "2024:05:01 06:12:09")])
    // Entries sorted: Orientation 0, Exif pointer 1.
    putUInt32(0x7FFF_FFFF, at: entryOffset(1) + 8, in: &tiff)
    let metadata = ExifParser.parse(tiff)
    #expect(metadata.orientation == .left)
    #expect(metadata.dateTimeOriginal == nil)
  }

  /// The Exif and GPS pointers both lead back to IFD0 itself: read once, nothing loops.
  @Test func pointersBackToIFD0() {
    let tiff = w.build(ifd0: [w.short(0x0112, 2), w.long(0x8769, 8), w.long(0x8825, 8)])
    let metadata = ExifParser.parse(tiff)
    #expect(metadata.orientation == .upMirrored)
    #expect(metadata.dateTimeOriginal == nil && metadata.gps == nil)
  }

  /// Exif and GPS pointers naming the same IFD: it is read as the Exif IFD only.
  @Test func twoPointersToOneIFD() {
    var tiff = w.build(
      ifd0: [w.long(0x8825, 0)],
      exif: [
        w.ascii(0x9003, "2024:05:01 06:12:09"), w.rationals(2, [(1, 1)]), w.rationals(4, [(1, 1)]),
      ])
    // Entries sorted: Exif pointer 0x8769 (entry 0), GPS pointer 0x8825 (entry 1).
    let exifOffset = UInt32(tiff[entryOffset(0) + 8]) | UInt32(tiff[entryOffset(0) + 9]) << 8
    putUInt32(exifOffset, at: entryOffset(1) + 8, in: &tiff)
    let metadata = ExifParser.parse(tiff)
    #expect(metadata.dateTimeOriginal == "2024-05-01T06:12:09")
    #expect(metadata.gps == nil)
  }

  /// An IFD whose next-IFD link points to itself, and a sub-IFD that points to itself: the
  /// parser never walks next-IFD chains and reads each IFD once.
  @Test func selfReferencingIFD() {
    var tiff = w.build(ifd0: [w.short(0x0112, 7)], exif: [w.ascii(0x9011, "+01:00")])
    let ifd0End = entryOffset(2)  // two entries: Orientation, Exif pointer
    putUInt32(8, at: ifd0End, in: &tiff)
    let exifOffset = Int(tiff[entryOffset(1) + 8]) | Int(tiff[entryOffset(1) + 9]) << 8
    // Give the Exif IFD a second entry: an Exif pointer to itself. Rebuild by hand: count 2.
    var looped = Array(tiff[..<exifOffset])
    looped += w.uint16(2)
    looped += w.uint16(0x8769) + w.uint16(4) + w.uint32(1) + w.uint32(UInt32(exifOffset))
    looped += w.uint16(0x9011) + w.uint16(2) + w.uint32(7) + w.uint32(UInt32(exifOffset + 30))
    looped += w.uint32(UInt32(exifOffset)) + Array("+01:00".utf8) + [0]
    let metadata = ExifParser.parse(looped)
    #expect(metadata.orientation == .rightMirrored)
    #expect(metadata.offsetTimeOriginal == "+01:00")
  }

  @Test func hugeEntryCountIsCutToTheData() {
    var tiff = w.build(ifd0: [w.short(0x0112, 6), w.ascii(0x010F, "Spypoint")])
    tiff.replaceSubrange(8..<10, with: w.uint16(0xFFFF))
    let metadata = ExifParser.parse(tiff)
    #expect(metadata.orientation == .right)
    #expect(metadata.make == "Spypoint")
  }

  @Test func hugeValueCountsLoseTheValue() {
    // Make (entry 0) claims 4 billion characters; Latitude claims 4 billion rationals.
    var tiff = w.build(
      ifd0: [w.ascii(0x010F, "Stealth Cam"), w.short(0x0112, 4)],
      gps: [w.rationals(2, [(1, 1), (2, 1), (3, 1)]), w.rationals(4, [(1, 1)])])
    putUInt32(0xFFFF_FFFF, at: entryOffset(0) + 4, in: &tiff)
    let gpsOffset = Int(tiff[entryOffset(2) + 8]) | Int(tiff[entryOffset(2) + 9]) << 8
    putUInt32(0xFFFF_FFFF, at: gpsOffset + 2 + 4, in: &tiff)
    let metadata = ExifParser.parse(tiff)
    #expect(metadata.make == nil)
    #expect(metadata.orientation == .downMirrored)
    #expect(metadata.gps == nil)
  }

  @Test func unknownFieldTypesAreSkipped() {
    var tiff = w.build(ifd0: [w.short(0x0112, 6)])
    tiff.replaceSubrange((entryOffset(0) + 2)..<(entryOffset(0) + 4), with: w.uint16(99))
    #expect(ExifParser.parse(tiff).orientation == .up)
  }

  /// Every prefix of a complete EXIF block parses, and each field is either missing or the
  /// full block's value.
  @Test(arguments: [false, true])
  func truncatedAtEveryLength(bigEndian: Bool) {
    let full = ExifParserTests.complete(TIFFWriter(bigEndian: bigEndian))
    let expected = ExifParserTests.expected
    var sawPartial = false
    for length in 0...full.count {
      let metadata = ExifParser.parse(Array(full.prefix(length)))
      #expect(metadata.orientation == .up || metadata.orientation == expected.orientation)
      #expect(metadata.make == nil || metadata.make == expected.make)
      #expect(metadata.model == nil || metadata.model == expected.model)
      #expect(
        metadata.dateTimeOriginal == nil || metadata.dateTimeOriginal == expected.dateTimeOriginal)
      if let gps = metadata.gps, let full = expected.gps {
        #expect(gps.latitude == full.latitude && gps.longitude == full.longitude)
        #expect(gps.altitude == nil || gps.altitude == full.altitude)
      }
      if metadata.orientation == expected.orientation && metadata.gps == nil { sawPartial = true }
    }
    #expect(sawPartial, "some prefix should keep IFD0 but lose the GPS IFD")
  }

  /// Every single-byte corruption of a complete block: no trap, no hang.
  @Test func everyByteCorrupted() {
    let full = ExifParserTests.complete(w)
    for index in full.indices {
      for value: UInt8 in [0x00, 0x01, 0x7F, 0x80, 0xFF] {
        var corrupted = full
        corrupted[index] = value
        _ = ExifParser.parse(corrupted)
      }
    }
  }

  /// Deterministic random input shaped like TIFF (valid header, random body) and random
  /// multi-byte damage to a real block.
  @Test func randomInput() {
    var generator = SeededRandom(seed: 0x1234_5678)
    let full = ExifParserTests.complete(TIFFWriter(bigEndian: true))
    for round in 0..<3000 {
      var bytes: [UInt8]
      if round % 2 == 0 {
        let header: [UInt8] =
          round % 4 == 0
          ? [0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0] : [0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8]
        let length = Int(generator.next() % 200)
        bytes = header + (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
      } else {
        bytes = full
        for _ in 0..<(1 + Int(generator.next() % 8)) {
          let index = Int(generator.next() % UInt64(bytes.count))
          bytes[index] = UInt8(truncatingIfNeeded: generator.next())
        }
      }
      _ = ExifParser.parse(bytes)
    }
  }

  /// A JPEG whose EXIF is garbage still decodes; the metadata is just missing.
  @Test func badExifNeverFailsADecode() throws {
    let garbage =
      Array("Exif".utf8) + [0, 0] + [0x49, 0x49, 0x2A, 0x00, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2]
    let jpeg = ImageSurgery.insertingAPP1(
      garbage, into: try Fixture.bytes("jpeg_baseline_420_16x12.jpg"))
    let decoded = try ImageDecoder.decode(
      data: jpeg, path: "garbage-exif.jpg", options: DecodeOptions())
    #expect(decoded.metadata == ImageMetadata())
    #expect(decoded.image.width == 16)
  }
}
