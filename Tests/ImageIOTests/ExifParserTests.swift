import Testing

@testable import ImageIO

/// ExifParser on well-formed (if sometimes odd) EXIF, built with TIFFWriter in both byte
/// orders.
@Suite struct ExifParserTests {
  static func complete(_ writer: TIFFWriter) -> [UInt8] {
    writer.build(
      ifd0: [
        writer.ascii(0x010F, "Canon"), writer.ascii(0x0110, "EOS R5"), writer.short(0x0112, 6),
      ],
      exif: [writer.ascii(0x9003, "2024:05:01 06:12:09"), writer.ascii(0x9011, "+02:00")],
      gps: [
        writer.ascii(1, "S"), writer.rationals(2, [(33, 1), (51, 1), (5436, 100)]),
        writer.ascii(3, "W"), writer.rationals(4, [(151, 1), (12, 1), (36, 1)]),
        writer.byte(5, 1), writer.rationals(6, [(125, 10)]),
      ])
  }

  static let expected = ImageMetadata(
    orientation: .right, dateTimeOriginal: "2024-05-01T06:12:09", offsetTimeOriginal: "+02:00",
    gps: GPSPosition(
      latitude: -(33 + 51.0 / 60 + 54.36 / 3600), longitude: -(151 + 12.0 / 60 + 36.0 / 3600),
      altitude: -12.5),
    make: "Canon", model: "EOS R5")

  @Test(arguments: [false, true])
  func readsEveryFieldInBothByteOrders(bigEndian: Bool) {
    let metadata = ExifParser.parse(Self.complete(TIFFWriter(bigEndian: bigEndian)))
    #expect(metadata == Self.expected)
    #expect(metadata.capturedAt == "2024-05-01T06:12:09+02:00")
  }

  @Test func acceptsTIFFAPP1PayloadAndWholeSegment() {
    let tiff = Self.complete(TIFFWriter(bigEndian: false))
    let payload = Array("Exif".utf8) + [0, 0] + tiff
    let segment =
      [0xFF, 0xE1, UInt8((payload.count + 2) >> 8), UInt8((payload.count + 2) & 0xFF)]
      + payload
    #expect(ExifParser.parse(tiff) == Self.expected)
    #expect(ExifParser.parse(payload) == Self.expected)
    #expect(ExifParser.parse(segment) == Self.expected)
  }

  @Test(arguments: [
    ("N", "E", 1.0, 1.0), ("S", "E", -1.0, 1.0), ("N", "W", 1.0, -1.0), ("S", "W", -1.0, -1.0),
    ("s", "w", -1.0, -1.0),
  ])
  func gpsReferencesGiveSigns(_ testCase: (String, String, Double, Double)) throws {
    let (latRef, lonRef, latSign, lonSign) = testCase
    let w = TIFFWriter(bigEndian: false)
    let tiff = w.build(
      ifd0: [],
      gps: [
        w.ascii(1, latRef), w.rationals(2, [(10, 1), (30, 1), (0, 1)]),
        w.ascii(3, lonRef), w.rationals(4, [(20, 1), (15, 1), (36, 1)]),
      ])
    let gps = try #require(ExifParser.parse(tiff).gps)
    #expect(gps.latitude == latSign * 10.5)
    #expect(abs(gps.longitude - lonSign * 20.26) < 1e-12)
    #expect(gps.altitude == nil)
  }

  @Test(arguments: [(UInt8?.none, 100.0), (UInt8?.some(0), 100.0), (UInt8?.some(1), -100.0)])
  func altitudeReference(_ testCase: (UInt8?, Double)) throws {
    let (ref, altitude) = testCase
    let w = TIFFWriter(bigEndian: true)
    var gps = [w.rationals(2, [(1, 1)]), w.rationals(4, [(2, 1)]), w.rationals(6, [(1000, 10)])]
    if let ref { gps.append(w.byte(5, ref)) }
    let position = try #require(ExifParser.parse(w.build(ifd0: [], gps: gps)).gps)
    #expect(position.altitude == altitude)
    #expect(position.latitude == 1 && position.longitude == 2)
  }

  @Test func degreesOnlyAndDecimalMinutesAreAccepted() throws {
    let w = TIFFWriter(bigEndian: false)
    let tiff = w.build(
      ifd0: [], gps: [w.rationals(2, [(455, 10)]), w.rationals(4, [(7, 1), (305, 10)])])
    let gps = try #require(ExifParser.parse(tiff).gps)
    #expect(gps.latitude == 45.5)
    #expect(gps.longitude == 7.508333333333333)
  }

  @Test func zeroDenominatorsMakeValuesMissing() throws {
    let w = TIFFWriter(bigEndian: false)
    let badLatitude = w.build(
      ifd0: [], gps: [w.rationals(2, [(10, 1), (5, 0), (0, 1)]), w.rationals(4, [(1, 1)])])
    #expect(ExifParser.parse(badLatitude).gps == nil)
    let badAltitude = w.build(
      ifd0: [],
      gps: [w.rationals(2, [(1, 1)]), w.rationals(4, [(1, 1)]), w.rationals(6, [(7, 0)])])
    let gps = try #require(ExifParser.parse(badAltitude).gps)
    #expect(gps.altitude == nil)
  }

  @Test func unusableGPSIsDropped() {
    let w = TIFFWriter(bigEndian: false)
    let onlyLatitude = w.build(ifd0: [], gps: [w.rationals(2, [(1, 1)])])
    #expect(ExifParser.parse(onlyLatitude).gps == nil)
    let outOfRange = w.build(ifd0: [], gps: [w.rationals(2, [(91, 1)]), w.rationals(4, [(1, 1)])])
    #expect(ExifParser.parse(outOfRange).gps == nil)
    let unknownRef = w.build(
      ifd0: [], gps: [w.ascii(1, "X"), w.rationals(2, [(1, 1)]), w.rationals(4, [(1, 1)])])
    #expect(ExifParser.parse(unknownRef).gps == nil)
    let void = w.build(
      ifd0: [], gps: [w.ascii(9, "V"), w.rationals(2, [(1, 1)]), w.rationals(4, [(1, 1)])])
    #expect(ExifParser.parse(void).gps == nil)
    let wrongType = w.build(ifd0: [], gps: [w.short(2, 5), w.rationals(4, [(1, 1)])])
    #expect(ExifParser.parse(wrongType).gps == nil)
  }

  @Test func missingTagsGiveDefaults() {
    let w = TIFFWriter(bigEndian: true)
    #expect(ExifParser.parse(w.build(ifd0: [])) == ImageMetadata())
    let exifOnly = ExifParser.parse(w.build(ifd0: [], exif: [w.ascii(0x9011, "-05:30")]))
    #expect(exifOnly.dateTimeOriginal == nil && exifOnly.capturedAt == nil)
    #expect(exifOnly.offsetTimeOriginal == "-05:30")
    let dateOnly = ExifParser.parse(
      w.build(ifd0: [], exif: [w.ascii(0x9003, "2020:01:02 03:04:05")]))
    #expect(dateOnly.capturedAt == "2020-01-02T03:04:05")
    #expect(dateOnly.orientation == .up && dateOnly.gps == nil && dateOnly.make == nil)
  }

  @Test(arguments: [
    ("2024:05:01 06:12:09", "2024-05-01T06:12:09"),
    ("2024-05-01 06:12:09", "2024-05-01T06:12:09"),
    ("2024:05:01T06:12:09", "2024-05-01T06:12:09"),
    ("2024:02:29 00:00:00", "2024-02-29T00:00:00"),
    ("2000:02:29 23:59:59", "2000-02-29T23:59:59"),
    ("0001:01:01 00:00:00", "0001-01-01T00:00:00"),
  ])
  func validDates(_ testCase: (String, String)) {
    #expect(ExifParser.isoDateTime(testCase.0) == testCase.1)
  }

  @Test(arguments: [
    "0000:00:00 00:00:00", "    :  :     :  :  ", "", "2023:02:29 00:00:00",
    "1900:02:29 00:00:00", "2024:13:01 00:00:00", "2024:00:10 00:00:00", "2024:04:31 00:00:00",
    "2024:05:01 24:00:00", "2024:05:01 06:60:00", "2024:05:01 06:12:60", "2024:05:01",
    "2024:05:01 06:12:09.123", "2024:05-01 06:12:09", "2024:05:01 06-12-09", "20x4:05:01 06:12:09",
    "2024:05:01  6:12:09",
  ])
  func invalidDates(_ text: String) {
    #expect(ExifParser.isoDateTime(text) == nil)
    let w = TIFFWriter(bigEndian: false)
    let metadata = ExifParser.parse(w.build(ifd0: [], exif: [w.ascii(0x9003, text)]))
    #expect(metadata.dateTimeOriginal == nil)
  }

  @Test(
    arguments: [
      ("+02:00", "+02:00"), ("-05:30", "-05:30"), ("+00:00", "+00:00"), ("+14:00", "+14:00"),
      ("   :  ", nil), ("+2:00", nil), ("+15:00", nil), ("02:00", nil), ("+02:60", nil),
      ("Z", nil), ("+02:00:00", nil),
    ] as [(String, String?)])
  func utcOffsets(_ testCase: (String, String?)) {
    let w = TIFFWriter(bigEndian: false)
    let metadata = ExifParser.parse(
      w.build(
        ifd0: [], exif: [w.ascii(0x9003, "2024:05:01 06:12:09"), w.ascii(0x9011, testCase.0)]))
    #expect(metadata.offsetTimeOriginal == testCase.1)
    #expect(metadata.capturedAt == "2024-05-01T06:12:09" + (testCase.1 ?? ""))
  }

  @Test func stringsAreTrimmedOfNULAndSpacePadding() {
    let w = TIFFWriter(bigEndian: false)
    let padded = ExifParser.parse(
      w.build(ifd0: [
        w.rawASCII(0x010F, Array("Canon".utf8) + [0, 0, 0, 0]),
        w.rawASCII(0x0110, Array("  NIKON D850   ".utf8) + [0]),
      ]))
    #expect(padded.make == "Canon")
    #expect(padded.model == "NIKON D850")
    let blank = ExifParser.parse(
      w.build(ifd0: [
        w.rawASCII(0x010F, [0, 0, 0, 0, 0, 0]), w.rawASCII(0x0110, Array("     ".utf8)),
      ]))
    #expect(blank.make == nil && blank.model == nil)
    let unterminated = ExifParser.parse(w.build(ifd0: [w.rawASCII(0x010F, Array("Sony".utf8))]))
    #expect(unterminated.make == "Sony")
    let dateWithPadding = ExifParser.parse(
      w.build(ifd0: [], exif: [w.rawASCII(0x9003, Array(" 2024:05:01 06:12:09 ".utf8) + [0])]))
    #expect(dateWithPadding.dateTimeOriginal == "2024-05-01T06:12:09")
  }

  @Test(arguments: [
    (UInt16(0), ExifOrientation.up), (1, .up), (3, .down), (8, .left), (9, .up), (0xFFFF, .up),
  ])
  func orientationValues(_ testCase: (UInt16, ExifOrientation)) {
    let w = TIFFWriter(bigEndian: true)
    #expect(
      ExifParser.parse(w.build(ifd0: [w.short(0x0112, testCase.0)])).orientation == testCase.1)
  }

  @Test func orientationStoredAsLongIsAccepted() {
    let w = TIFFWriter(bigEndian: true)
    #expect(ExifParser.parse(w.build(ifd0: [w.long(0x0112, 5)])).orientation == .leftMirrored)
  }

  @Test func onlyTheFirstOccurrenceOfATagCounts() {
    let w = TIFFWriter(bigEndian: false)
    // Sorting is stable, so the two 0x0112 entries stay in this order.
    let tiff = w.build(ifd0: [w.short(0x0112, 3), w.short(0x0112, 6)])
    #expect(ExifParser.parse(tiff).orientation == .down)
  }
}
