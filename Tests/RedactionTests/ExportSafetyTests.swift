import Formats
import Foundation
import ImageIO
import LookoutSystem
import Research
import Testing

@testable import Redaction

/// A big-endian TIFF block with Orientation and a GPS IFD (latitude 2°30' S, longitude
/// 34°15' E), as a camera writes it.
func tiffWithGPS(orientation: UInt16) -> [UInt8] {
  func u16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
  func u32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
  func entry(_ tag: UInt16, _ type: UInt16, _ count: UInt32, _ value: [UInt8]) -> [UInt8] {
    u16(tag) + u16(type) + u32(count) + value + [UInt8](repeating: 0, count: 4 - value.count)
  }
  let gpsIFD: UInt32 = 8 + 2 + 2 * 12 + 4  // 38
  let rationals = gpsIFD + 2 + 4 * 12 + 4  // 92
  var out: [UInt8] = [0x4D, 0x4D, 0x00, 0x2A] + u32(8)
  out += u16(2) + entry(0x0112, 3, 1, u16(orientation)) + entry(0x8825, 4, 1, u32(gpsIFD)) + u32(0)
  out += u16(4)
  out += entry(0x0001, 2, 2, Array("S\0".utf8)) + entry(0x0002, 5, 3, u32(rationals))
  out += entry(0x0003, 2, 2, Array("E\0".utf8)) + entry(0x0004, 5, 3, u32(rationals + 24))
  out += u32(0)
  for (d, m) in [(2, 30), (34, 15)] as [(UInt32, UInt32)] {
    out += u32(d) + u32(1) + u32(m) + u32(1) + u32(0) + u32(1)
  }
  return out
}

/// `jpeg` with an EXIF APP1 segment holding `tiff` right after its JFIF segment.
func jpegWithExif(_ jpeg: [UInt8], tiff: [UInt8]) -> [UInt8] {
  let payload = Array("Exif\0\0".utf8) + tiff
  let length = payload.count + 2
  let app1: [UInt8] = [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
  let jfifEnd = 4 + (Int(jpeg[4]) << 8 | Int(jpeg[5]))
  return Array(jpeg[..<jfifEnd]) + app1 + Array(jpeg[jfifEnd...])
}

/// A scratch folder with `card/`, a detections file listing `images`, and room for outputs.
struct ExportScratch {
  let root: String
  var card: String { root + "/in/card" }
  var detections: String { root + "/in/detections.json" }

  init(_ label: String, images: [ImageRecord]) throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent(
      "lookout-\(label)-\(UInt64.random(in: 0...UInt64.max))").path
    try FileManager.default.createDirectory(atPath: card + "/site/cam", withIntermediateDirectories: true)
    let info = RunInfo(lookout: LookoutRunInfo(modelVersion: "t", classThresholds: ["person": 0.5, "vehicle": 0.6]))
    _ = FileManager.default.createFile(
      atPath: detections, contents: Data(MegaDetectorOutput.encode(images: images, info: info)))
  }

  func put(_ relative: String, _ bytes: [UInt8]) {
    _ = FileManager.default.createFile(atPath: root + "/" + relative, contents: Data(bytes))
  }

  func remove() { try? FileManager.default.removeItem(atPath: root) }
}

@Suite struct ExportSafetyTests {
  static let animal = [DetectionRecord(.animal, confidence: 0.9, bbox: [0.25, 0.25, 0.25, 0.3333])]
  static let person = [DetectionRecord(.person, confidence: 0.9, bbox: [0.25, 0.25, 0.25, 0.3333])]

  @Test(arguments: [animal, person])
  func aPathWithDotDotWritesNothingOutsideTheOutput(detections: [DetectionRecord]) throws {
    let s = try ExportScratch("redact-dotdot", images: [ImageRecord(file: "../x.jpg", detections: detections)])
    defer { s.remove() }
    s.put("in/x.jpg", try JPEGEncoder.encode(gradient(width: 32, height: 24), quality: 90))
    let out = s.root + "/out/shared"
    #expect(throws: ResearchError.self) {
      try RedactJob(detections: s.detections, imagesFolder: s.card, outputFolder: out).run()
    }
    #expect(!FileManager.default.fileExists(atPath: s.root + "/out/x.jpg"))
  }

  @Test func anAbsolutePathIsRefused() throws {
    let s = try ExportScratch("redact-absolute", images: [])
    defer { s.remove() }
    let outside = s.root + "/in/abs.jpg"
    s.put("in/abs.jpg", try JPEGEncoder.encode(gradient(width: 32, height: 24), quality: 90))
    s.put(
      "in/detections.json",
      MegaDetectorOutput.encode(
        images: [ImageRecord(file: outside, detections: Self.animal)], info: RunInfo()))
    do {
      _ = try RedactJob(detections: s.detections, imagesFolder: s.card, outputFolder: s.root + "/out").run()
      Issue.record("an absolute path was accepted")
    } catch {
      #expect(error.description.contains("images[0].file") && error.description.contains("absolute"))
    }
  }

  @Test func unchangedCopiesLoseTheirEXIFAndGPSButStayUpright() throws {
    let s = try ExportScratch("redact-exif", images: [ImageRecord(file: "site/cam/deer.jpg", detections: Self.animal)])
    defer { s.remove() }
    let original = jpegWithExif(
      try JPEGEncoder.encode(gradient(width: 32, height: 24, square: (4, 4, 8)), quality: 90),
      tiff: tiffWithGPS(orientation: 6))
    try #require(ImageDecoder.metadata(of: original).gps != nil)
    s.put("in/card/site/cam/deer.jpg", original)
    let out = s.root + "/out"
    let summary = try RedactJob(detections: s.detections, imagesFolder: s.card, outputFolder: out).run()
    #expect(summary.copied == 1)
    let copy = try FileReader.read(out + "/site/cam/deer.jpg")
    let metadata = ImageDecoder.metadata(of: copy)
    #expect(metadata.gps == nil)
    #expect(metadata.orientation == .right)
    // Neither the GPS IFD nor its coordinates are left anywhere in the file.
    let gps = Array(tiffWithGPS(orientation: 6)[38...])
    #expect(original.contains(subsequence: gps) && !copy.contains(subsequence: gps))
    // The same pixels, shown the same way.
    let a = try ImageDecoder.decode(data: original, path: "a.jpg").image
    let b = try ImageDecoder.decode(data: copy, path: "b.jpg").image
    #expect(a.width == 24 && b.width == 24 && a.pixels == b.pixels)
  }

  @Test func aBadDeploymentsFileWritesNoCopies() throws {
    let s = try ExportScratch("camtrap-order", images: [
      ImageRecord(file: "site/cam/a.jpg", detections: Self.person, datetime: "2024-05-01 06:00:00")
    ])
    defer { s.remove() }
    s.put("in/card/site/cam/a.jpg", try JPEGEncoder.encode(gradient(width: 32, height: 24), quality: 90))
    s.put("in/deployments.csv", Array("deployment_id,latitude\nd1,north\n".utf8))
    let out = s.root + "/package"
    let export = RedactedPackageExport(
      package: CamtrapDPExport(
        detections: s.detections, deploymentsPath: s.root + "/in/deployments.csv", outputFolder: out,
        contributor: "Team"),
      copies: RedactJob(detections: s.detections, imagesFolder: s.card, outputFolder: out + "/media"))
    #expect(throws: ResearchError.self) { try export.run() }
    #expect(!FileManager.default.fileExists(atPath: out))
  }
}

extension Array where Element == UInt8 {
  func contains(subsequence: [UInt8]) -> Bool {
    guard subsequence.count <= count else { return false }
    return (0...(count - subsequence.count)).contains { self[$0..<($0 + subsequence.count)].elementsEqual(subsequence) }
  }
}
