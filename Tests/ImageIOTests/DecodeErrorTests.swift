import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@testable import ImageIO

/// Every failure maps to its specific ImageDecodeError case.
@Suite struct DecodeErrorTests {
  // MARK: Files

  @Test func zeroByteFileIsEmpty() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("empty.jpg").path
    #expect(FileManager.default.createFile(atPath: path, contents: Data()))
    #expect(throws: ImageDecodeError.empty(path: path)) {
      try ImageDecoder.decode(fileAt: path, options: DecodeOptions())
    }
    #expect(decodeError([], path: "mem") == .empty(path: "mem"))
  }

  @Test func textFileNamedJPGIsNotAnImage() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("IMG_0001.JPG").path
    let text = "This is not a photo.\nIt is a note left on the SD card.\n"
    #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
    #expect(throws: ImageDecodeError.notAnImage(path: path)) {
      try ImageDecoder.decode(fileAt: path, options: DecodeOptions())
    }
    #expect(ContentKind.sniff(Array(text.utf8)) == .text)
  }

  @Test func nonexistentPathIsUnreadable() {
    let path = "/nonexistent/dir/IMG_0002.JPG"
    let error = #expect(throws: ImageDecodeError.self) {
      try ImageDecoder.decode(fileAt: path, options: DecodeOptions())
    }
    #expect(error == .unreadable(path: path, reason: "No such file or directory"))
    #expect(error?.reasonCode == "unreadable")
  }

  @Test func directoryIsUnreadable() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    #expect(throws: ImageDecodeError.unreadable(path: directory.path, reason: "is a directory")) {
      try ImageDecoder.decode(fileAt: directory.path, options: DecodeOptions())
    }
  }

  /// A FIFO with no writer would block a plain open(2) forever; it must fail at once.
  @Test func fifoIsUnreadableWithoutBlocking() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("pipe.jpg").path
    try #require(mkfifo(path, 0o600) == 0)
    #expect(throws: ImageDecodeError.unreadable(path: path, reason: "not a regular file")) {
      try ImageDecoder.decode(fileAt: path, options: DecodeOptions())
    }
  }

  @Test func symlinkToAnImageIsFollowed() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let link = directory.appendingPathComponent("link.jpg").path
    try FileManager.default.createSymbolicLink(
      atPath: link, withDestinationPath: Fixture.path("jpeg_gray_33x17.jpg"))
    #expect(try ImageDecoder.decode(fileAt: link, options: DecodeOptions()).image.width == 33)
  }

  @Test func otherFormatsAreNotImages() {
    let samples: [([UInt8], ContentKind)] = [
      (Array("GIF89a".utf8) + [1, 0, 1, 0, 0, 0, 0], .gif),
      (Array("BM".utf8) + [UInt8](repeating: 0, count: 40), .bmp),
      ([0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0], .tiff),
      (Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBPVP8 ".utf8), .webp),
      ([0, 0, 0, 0x18] + Array("ftypheic".utf8), .heif),
      (Array("%PDF-1.7\n".utf8), .pdf),
      ([0x00, 0x01, 0x02, 0x03, 0xFE], .unknown),
    ]
    for (bytes, kind) in samples {
      #expect(ContentKind.sniff(bytes) == kind)
      #expect(decodeError(bytes, path: "x.jpg") == .notAnImage(path: "x.jpg"))
    }
  }

  // MARK: Truncation

  /// Cut points in a baseline JPEG: inside the signature, the header, right before the scan,
  /// mid-scan, and just the final EOI marker missing.
  @Test func truncatedBaselineJPEG() throws {
    let jpeg = try Fixture.bytes("jpeg_baseline_420_33x17.jpg")
    let sos = try #require(ImageSurgery.jpegMarkers(jpeg, code: 0xDA).first)
    let cuts = [
      1, 2, 3, 20, sos, sos + 1, sos + 14, (sos + jpeg.count) / 2, jpeg.count - 10,
      jpeg.count - 2, jpeg.count - 1,
    ]
    for cut in cuts {
      let error = decodeError(Array(jpeg.prefix(cut)), path: "cut.jpg")
      guard case .truncated(let path, let reason) = error else {
        Issue.record("cut at \(cut) of \(jpeg.count): \(String(describing: error))")
        continue
      }
      #expect(path == "cut.jpg")
      #expect(!reason.isEmpty)
    }
    // The libjpeg wording for data that stops early.
    #expect(
      decodeError(Array(jpeg.prefix(jpeg.count / 2 + sos / 2)), path: "p.jpg")
        == .truncated(path: "p.jpg", reason: "Premature end of JPEG file"))
  }

  /// Cut points in a progressive JPEG: inside the first scan, between scans, inside a later
  /// scan and inside the last one.
  @Test func truncatedProgressiveJPEG() throws {
    let jpeg = try Fixture.bytes("jpeg_progressive_64x48.jpg")
    let scans = ImageSurgery.jpegMarkers(jpeg, code: 0xDA)
    try #require(scans.count >= 4, "a progressive file has several scans")
    let cuts = [
      scans[0] + 20,  // inside the first (DC) scan
      scans[1],  // between scans: first scan complete
      (scans[1] + scans[2]) / 2,  // inside the second scan
      scans[scans.count - 1] + 12,  // inside the last scan
      (scans[scans.count - 1] + jpeg.count) / 2,
      jpeg.count - 2,  // only EOI missing
    ]
    for cut in cuts {
      let error = decodeError(Array(jpeg.prefix(cut)), path: "prog.jpg")
      #expect(
        error?.reasonCode == "truncated",
        "cut at \(cut) of \(jpeg.count): \(String(describing: error))")
    }
  }

  @Test func truncatedPNG() throws {
    let png = try Fixture.bytes("png_rgb8_33x17.png")
    let idat = try #require(ImageSurgery.pngChunks(png, type: "IDAT").first)
    let iend = try #require(ImageSurgery.pngChunks(png, type: "IEND").first)
    let cuts = [
      1, 4, 7, 8, 12, 20, 33, idat.offset + 8, idat.offset + 8 + idat.length / 2,
      iend.offset, iend.offset + 6, png.count - 1,
    ]
    for cut in cuts {
      let error = decodeError(Array(png.prefix(cut)), path: "cut.png")
      guard case .truncated(let path, _) = error else {
        Issue.record("cut at \(cut) of \(png.count): \(String(describing: error))")
        continue
      }
      #expect(path == "cut.png")
    }
  }

  @Test func truncatedInterlacedPNG() throws {
    let png = try Fixture.bytes("png_interlaced_rgba16_33x17.png")
    for fraction in [3, 2] {
      let error = decodeError(Array(png.prefix(png.count * (fraction - 1) / fraction)))
      #expect(error?.reasonCode == "truncated")
    }
  }

  // MARK: Corruption

  @Test func pngWithBadIDATCRCIsCorrupt() throws {
    var png = try Fixture.bytes("png_rgb8_33x17.png")
    let idat = try #require(ImageSurgery.pngChunks(png, type: "IDAT").first)
    png[idat.offset + 8 + idat.length / 2] ^= 0x55
    let error = decodeError(png, path: "crc.png")
    guard case .corrupt(let path, let reason) = error else {
      Issue.record("expected corrupt, got \(String(describing: error))")
      return
    }
    #expect(path == "crc.png")
    #expect(reason.contains("CRC"))
  }

  @Test func pngWithBadIHDRCRCIsCorrupt() throws {
    var png = try Fixture.bytes("png_gray8_33x17.png")
    png[29] ^= 0xFF  // first CRC byte of IHDR
    #expect(decodeError(png)?.reasonCode == "corrupt")
  }

  @Test func pngWithBadAncillaryCRCIsCorrupt() throws {
    var chunk = ImageSurgery.pngChunk("tEXt", Array("Comment\0hello".utf8))
    chunk[chunk.count - 1] ^= 0x01
    let png = ImageSurgery.insertingAfterIHDR(chunk, into: try Fixture.bytes("png_gray8_33x17.png"))
    #expect(decodeError(png)?.reasonCode == "corrupt")
  }

  @Test func pngWithBadCompressedDataIsCorrupt() throws {
    // Damage the zlib stream but fix the CRC, so only inflate can notice.
    var png = try Fixture.bytes("png_rgb8_33x17.png")
    let idat = try #require(ImageSurgery.pngChunks(png, type: "IDAT").first)
    let start = idat.offset + 8
    png[start] = 0x00  // invalid zlib header
    png[start + 1] = 0x00
    let crc = ImageSurgery.crc32(png[(idat.offset + 4)..<(start + idat.length)])
    png.replaceSubrange(
      (start + idat.length)..<(start + idat.length + 4),
      with: ImageSurgery.bigEndian32(crc))
    #expect(decodeError(png)?.reasonCode == "corrupt")
  }

  /// An EOI marker in the middle of the scan: libjpeg warns ("premature end of data segment")
  /// and would pad with grey; ImageIO must fail instead.
  @Test func jpegWithDamagedScanIsCorrupt() throws {
    var jpeg = try Fixture.bytes("jpeg_baseline_420_33x17.jpg")
    let sos = try #require(ImageSurgery.jpegMarkers(jpeg, code: 0xDA).first)
    let middle = (sos + jpeg.count) / 2
    jpeg[middle] = 0xFF
    jpeg[middle + 1] = 0xD9
    let error = decodeError(jpeg, path: "bad.jpg")
    guard case .corrupt(_, let reason) = error else {
      Issue.record("expected corrupt, got \(String(describing: error))")
      return
    }
    #expect(reason.contains("Corrupt JPEG data"))
  }

  /// Stray bytes before any marker other than EOI (here: before the second scan of a
  /// progressive file, and before the SOS of a baseline one) are corruption.
  @Test func strayBytesBetweenSegmentsAreCorrupt() throws {
    for name in ["jpeg_progressive_64x48.jpg", "jpeg_baseline_420_33x17.jpg"] {
      var jpeg = try Fixture.bytes(name)
      let scans = ImageSurgery.jpegMarkers(jpeg, code: 0xDA)
      let target = name.contains("progressive") ? scans[1] : scans[0]
      jpeg.insert(contentsOf: [0x00, 0x12, 0x34], at: target)
      let error = decodeError(jpeg, path: name)
      #expect(error?.reasonCode == "corrupt", "\(name): \(String(describing: error))")
    }
  }

  @Test func jpegWithBrokenHeaderIsCorrupt() throws {
    var jpeg = try Fixture.bytes("jpeg_baseline_420_16x12.jpg")
    let dqt = try #require(ImageSurgery.jpegMarkers(jpeg, code: 0xDB).first)
    jpeg[dqt + 2] = 0x00
    jpeg[dqt + 3] = 0x01  // segment length 1: impossible
    #expect(decodeError(jpeg)?.reasonCode == "corrupt")
  }

  @Test func jpegWithTwelveBitPrecisionIsUnsupported() throws {
    var jpeg = try Fixture.bytes("jpeg_baseline_420_16x12.jpg")
    let sof = try #require(ImageSurgery.jpegMarkers(jpeg, code: 0xC0).first)
    jpeg[sof + 4] = 12
    let error = decodeError(jpeg, path: "12bit.jpg")
    #expect(error?.reasonCode == "unsupported", "\(String(describing: error))")
  }

  @Test func losslessJPEGIsUnsupported() throws {
    var jpeg = try Fixture.bytes("jpeg_baseline_420_16x12.jpg")
    let sof = try #require(ImageSurgery.jpegMarkers(jpeg, code: 0xC0).first)
    jpeg[sof + 1] = 0xC3
    #expect(decodeError(jpeg)?.reasonCode == "unsupported")
  }

  // MARK: Size limit

  @Test func jpegClaiming60000SquaredIsTooLarge() throws {
    let jpeg = ImageSurgery.jpegClaimingSize(
      try Fixture.bytes("jpeg_baseline_420_16x12.jpg"), width: 60000, height: 60000)
    #expect(
      decodeError(jpeg, path: "huge.jpg")
        == .tooLarge(path: "huge.jpg", width: 60000, height: 60000, limit: 100_000_000))
  }

  @Test func progressiveJPEGClaimingHugeSizeIsTooLarge() throws {
    let jpeg = ImageSurgery.jpegClaimingSize(
      try Fixture.bytes("jpeg_progressive_33x17.jpg"), width: 65000, height: 20000)
    #expect(decodeError(jpeg, path: "p.jpg")?.reasonCode == "too_large")
  }

  @Test func pngClaiming60000SquaredIsTooLarge() throws {
    let png = ImageSurgery.pngClaimingSize(
      try Fixture.bytes("png_rgb8_33x17.png"), width: 60000, height: 60000)
    #expect(
      decodeError(png, path: "huge.png")
        == .tooLarge(path: "huge.png", width: 60000, height: 60000, limit: 100_000_000))
  }

  /// Beyond libpng's default 1,000,000 width limit: still reported as too large, not corrupt.
  @Test func pngWiderThanLibpngDefaultLimitIsTooLarge() throws {
    let png = ImageSurgery.pngClaimingSize(
      try Fixture.bytes("png_gray8_33x17.png"), width: 5_000_000, height: 30)
    #expect(
      decodeError(png, path: "wide.png")
        == .tooLarge(path: "wide.png", width: 5_000_000, height: 30, limit: 100_000_000))
  }

  /// The limit is inclusive: exactly maxPixels decodes, one fewer refuses.
  @Test func limitIsComparedWithThePixelCount() throws {
    for name in ["jpeg_baseline_420_16x12.jpg", "png_rgb16_16x12.png"] {
      let data = try Fixture.bytes(name)
      #expect(decodeError(data, path: name, options: DecodeOptions(maxPixels: 192)) == nil)
      #expect(
        decodeError(data, path: name, options: DecodeOptions(maxPixels: 191))
          == .tooLarge(path: name, width: 16, height: 12, limit: 191))
    }
  }

  /// The reported size is the upright one.
  @Test func tooLargeReportsTheUprightSize() throws {
    let w = TIFFWriter(bigEndian: false)
    let jpeg = ImageSurgery.insertingAPP1(
      w.app1Payload(ifd0: [w.short(0x0112, 6)]),
      into: ImageSurgery.jpegClaimingSize(
        try Fixture.bytes("jpeg_baseline_420_16x12.jpg"), width: 40000, height: 30000))
    #expect(
      decodeError(jpeg, path: "r.jpg")
        == .tooLarge(path: "r.jpg", width: 30000, height: 40000, limit: 100_000_000))
  }

  // MARK: Descriptions

  @Test func descriptionsAndReasonCodes() {
    let cases: [(ImageDecodeError, String, String)] = [
      (
        .unreadable(path: "a.jpg", reason: "Permission denied"), "unreadable",
        "a.jpg: cannot read file: Permission denied"
      ),
      (
        .readFailed(path: "i.jpg", code: EIO), "read_error",
        "i.jpg: read error: Input/output error (EIO)"
      ),
      (.empty(path: "b.jpg"), "empty", "b.jpg: file is empty (0 bytes)"),
      (.notAnImage(path: "c.jpg"), "not_an_image", "c.jpg: not a JPEG or PNG image"),
      (
        .corrupt(path: "d.png", reason: "IDAT: CRC error"), "corrupt",
        "d.png: corrupt image: IDAT: CRC error"
      ),
      (
        .truncated(path: "e.jpg", reason: "Premature end of JPEG file"), "truncated",
        "e.jpg: truncated image: Premature end of JPEG file"
      ),
      (
        .tooLarge(path: "f.jpg", width: 60000, height: 60000, limit: 100_000_000), "too_large",
        "f.jpg: image is 60000x60000 (3600000000 pixels), over the limit of 100000000 pixels"
      ),
      (
        .fileTooLarge(path: "h.jpg", bytes: 600_000_000, limit: 512 << 20), "too_large",
        "h.jpg: file is 600000000 bytes (572.2 MiB), over the limit of 536870912 bytes (512.0 MiB)"
      ),
      (
        .unsupported(path: "g.jpg", reason: "Unsupported JPEG data precision 12"), "unsupported",
        "g.jpg: unsupported image: Unsupported JPEG data precision 12"
      ),
    ]
    for (error, code, text) in cases {
      #expect(error.reasonCode == code)
      #expect(error.description == text)
      #expect(error.path == text.prefix { $0 != ":" }.description)
    }
  }
}
