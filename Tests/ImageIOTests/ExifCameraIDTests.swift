import Testing

@testable import ImageIO

/// The camera's own id in EXIF: BodySerialNumber (0xA431), else CameraOwnerName (0xA430), both
/// in the Exif IFD.
@Suite struct ExifCameraIDTests {
  let w = TIFFWriter(bigEndian: false)

  @Test func readsTheSerialNumberAndTheOwnerName() {
    for bigEndian in [false, true] {
      let w = TIFFWriter(bigEndian: bigEndian)
      let metadata = ExifParser.parse(
        w.build(
          ifd0: [w.ascii(0x010F, "RECONYX")],
          exif: [w.ascii(0xA430, "river-camp cam03"), w.ascii(0xA431, "H500-1234567  ")]))
      #expect(metadata.bodySerialNumber == "H500-1234567")
      #expect(metadata.cameraOwnerName == "river-camp cam03")
      #expect(metadata.cameraID == "H500-1234567")
    }
  }

  @Test func theOwnerNameWhenThereIsNoSerial() {
    let metadata = ExifParser.parse(w.build(ifd0: [], exif: [w.ascii(0xA430, "CAM03")]))
    #expect(metadata.cameraID == "CAM03")
  }

  @Test func placeholdersAndGarbageNameNoCamera() {
    let cases: [[UInt8]] = [
      Array("0000000000".utf8) + [0],
      Array("   ".utf8) + [0],
      Array("cam\u{1B}[2J".utf8) + [0],
      Array(String(repeating: "x", count: 65).utf8) + [0],
    ]
    for bytes in cases {
      let metadata = ExifParser.parse(w.build(ifd0: [], exif: [w.rawASCII(0xA431, bytes)]))
      #expect(metadata.bodySerialNumber == nil, "\(bytes)")
      #expect(metadata.cameraID == nil, "\(bytes)")
    }
    // Tags in IFD0 instead of the Exif IFD are not the standard's, and not read.
    #expect(ExifParser.parse(w.build(ifd0: [w.ascii(0xA431, "123")])).cameraID == nil)
  }
}
