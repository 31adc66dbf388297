import Formats
import Foundation
import ImageIO
import LookoutSystem
import Research
import Testing

@testable import Redaction

@Suite struct MetadataStripperTests {
  @Test func keepMetadataCopiesTheFileAsItIs() throws {
    let s = try ExportScratch("redact-keep", images: [ImageRecord(file: "site/cam/deer.jpg", detections: ExportSafetyTests.animal)])
    defer { s.remove() }
    let original = jpegWithExif(
      try JPEGEncoder.encode(gradient(width: 32, height: 24), quality: 90),
      tiff: tiffWithGPS(orientation: 1))
    s.put("in/card/site/cam/deer.jpg", original)
    let out = s.root + "/out"
    _ = try RedactJob(detections: s.detections, imagesFolder: s.card, outputFolder: out, keepMetadata: true).run()
    let copy = try FileReader.read(out + "/site/cam/deer.jpg")
    #expect(copy == original)
    #expect(ImageDecoder.metadata(of: copy).gps != nil)
  }

  @Test func jpegKeepsOnlyWhatDecodingAndColourNeed() throws {
    let plain = try JPEGEncoder.encode(gradient(width: 16, height: 8), quality: 90)
    #expect(try MetadataStripper.stripped(plain) == plain)
    let comment: [UInt8] = [0xFF, 0xFE, 0x00, 0x07] + Array("hello".utf8)
    let iptc: [UInt8] = [0xFF, 0xED, 0x00, 0x06] + Array("8BIM".utf8)
    let withJunk = jpegWithExif(plain, tiff: tiffWithGPS(orientation: 1))
    let jfifEnd = 4 + (Int(plain[4]) << 8 | Int(plain[5]))
    let all = Array(withJunk[..<jfifEnd]) + comment + iptc + Array(withJunk[jfifEnd...])
    // Orientation 1: nothing of the EXIF is worth keeping.
    #expect(try MetadataStripper.stripped(all) == plain)
  }

  @Test func notAnImageIsRefused() throws {
    #expect(throws: MetadataStripper.Failure.self) { try MetadataStripper.stripped(Array("text".utf8)) }
    let cut = Array(try JPEGEncoder.encode(gradient(width: 16, height: 8), quality: 90).prefix(30))
    #expect(throws: MetadataStripper.Failure.self) { try MetadataStripper.stripped(cut) }
  }

  @Test func pngLosesItsTextAndEXIFButKeepsItsOrientation() throws {
    let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent(
        "SampleImages/ridge-north/drone01/DJI_20240914215212_0006_T.png").path
    let png = try FileReader.read(sample)
    func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
      let n = UInt32(body.count)
      let crc = MetadataStripper.crc32(Array(type.utf8) + body)
      return [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
        + Array(type.utf8) + body
        + [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]
    }
    let ihdrEnd = 8 + 12 + 13
    let tagged = Array(png[..<ihdrEnd]) + chunk("eXIf", tiffWithGPS(orientation: 8))
      + chunk("tEXt", Array("Comment\0camp at the river".utf8)) + Array(png[ihdrEnd...])
    let before = ImageDecoder.metadata(of: tagged)
    try #require(before.gps != nil && before.orientation == .left)
    let stripped = try MetadataStripper.stripped(tagged)
    let after = ImageDecoder.metadata(of: stripped)
    #expect(after.gps == nil && after.orientation == .left)
    #expect(!stripped.contains(subsequence: Array("camp at the river".utf8)))
    let a = try ImageDecoder.decode(data: tagged, path: "a.png").image
    let b = try ImageDecoder.decode(data: stripped, path: "b.png").image
    #expect(a.width == b.width && a.pixels == b.pixels)
  }
}
