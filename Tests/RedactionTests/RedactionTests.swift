import Foundation
import Formats
import ImageIO
import Testing

@testable import Redaction

/// A test image: a smooth colour gradient with a bright square at `square` (pixels).
func gradient(width: Int, height: Int, square: (x: Int, y: Int, size: Int)? = nil) -> RGBImage {
  var pixels = [UInt8](repeating: 0, count: width * height * 3)
  for y in 0..<height {
    for x in 0..<width {
      let i = (y * width + x) * 3
      pixels[i] = UInt8(40 + 160 * x / max(1, width - 1))
      pixels[i + 1] = UInt8(60 + 120 * y / max(1, height - 1))
      pixels[i + 2] = 128
      if let s = square, x >= s.x, x < s.x + s.size, y >= s.y, y < s.y + s.size {
        pixels[i] = 240
        pixels[i + 1] = 230
        pixels[i + 2] = 220
      }
    }
  }
  return RGBImage(width: width, height: height, pixels: pixels)
}

/// Mean absolute difference per channel over a pixel rectangle.
func meanDifference(_ a: RGBImage, _ b: RGBImage, x0: Int = 0, y0: Int = 0, x1: Int? = nil, y1: Int? = nil) -> Double {
  var total = 0, n = 0
  for y in y0..<(y1 ?? a.height) {
    for x in x0..<(x1 ?? a.width) {
      let i = (y * a.width + x) * 3
      for c in 0..<3 { total += abs(Int(a.pixels[i + c]) - Int(b.pixels[i + c])) }
      n += 3
    }
  }
  return Double(total) / Double(n)
}

@Suite struct BoxRedactorTests {
  @Test func blockHidesTheBoxWithItsMarginOnly() {
    let image = gradient(width: 100, height: 50)
    // Box 20…40 × 10…30 px; with a 10 % margin: 18…42 × 8…32.
    let out = BoxRedactor.redact(image, boxes: [[0.2, 0.2, 0.2, 0.4]], style: .block, margin: 0.1)
    #expect(out.pixel(x: 18, y: 8) == (0, 0, 0) && out.pixel(x: 41, y: 31) == (0, 0, 0))
    #expect(out.pixel(x: 17, y: 20) == image.pixel(x: 17, y: 20))
    #expect(out.pixel(x: 42, y: 20) == image.pixel(x: 42, y: 20))
    #expect(out.pixel(x: 30, y: 32) == image.pixel(x: 30, y: 32))
  }

  @Test func blurSmearsTheBoxOnly() {
    let image = gradient(width: 120, height: 80, square: (50, 30, 6))
    let out = BoxRedactor.redact(image, boxes: [[0.3, 0.25, 0.4, 0.5]], style: .blur, margin: 0)
    // The small bright square inside the box is smeared away…
    #expect(out.pixel(x: 52, y: 32).r < 200)
    // …and everything outside the box is untouched.
    #expect(meanDifference(out, image, x0: 0, y0: 0, x1: 120, y1: 20) == 0)
    #expect(meanDifference(out, image, x0: 0, y0: 60, x1: 120, y1: 80) == 0)
  }

  @Test func boxesOutsideTheImageAreClipped() {
    let image = gradient(width: 10, height: 10)
    let out = BoxRedactor.redact(image, boxes: [[0.9, 0.9, 0.5, 0.5], [2, 2, 0.1, 0.1]], style: .block)
    #expect(out.pixel(x: 9, y: 9) == (0, 0, 0) && out.pixel(x: 0, y: 0) == image.pixel(x: 0, y: 0))
  }
}

@Suite struct RedactJobTests {
  @Test func writesRedactedAndCopiedImages() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent(
      "lookout-redact-\(UInt64.random(in: 0...UInt64.max))").path
    defer { try? FileManager.default.removeItem(atPath: root) }
    let card = root + "/card", out = root + "/shared"
    try FileManager.default.createDirectory(atPath: card + "/site/cam", withIntermediateDirectories: true)
    let original = gradient(width: 64, height: 48, square: (16, 12, 16))
    let jpeg = try JPEGEncoder.encode(original, quality: 95)
    for name in ["person.jpg", "animal.jpg"] {
      try #require(FileManager.default.createFile(atPath: card + "/site/cam/" + name, contents: Data(jpeg)))
    }
    try #require(FileManager.default.createFile(atPath: card + "/site/cam/broken.jpg", contents: Data("not a jpeg".utf8)))
    let images = [
      ImageRecord(file: "site/cam/person.jpg", detections: [DetectionRecord(.person, confidence: 0.8, bbox: [0.25, 0.25, 0.25, 0.3333])]),
      ImageRecord(file: "site/cam/animal.jpg", detections: [DetectionRecord(.animal, confidence: 0.9, bbox: [0.25, 0.25, 0.25, 0.3333])]),
      ImageRecord(file: "site/cam/broken.jpg", detections: [DetectionRecord(.vehicle, confidence: 0.9, bbox: [0, 0, 1, 1])]),
      ImageRecord(file: "site/cam/low.jpg", detections: [DetectionRecord(.person, confidence: 0.2, bbox: [0, 0, 1, 1])]),
    ]
    let info = RunInfo(lookout: LookoutRunInfo(modelVersion: "t", classThresholds: ["person": 0.5, "vehicle": 0.6]))
    try #require(FileManager.default.createFile(
      atPath: root + "/detections.json", contents: Data(MegaDetectorOutput.encode(images: images, info: info))))

    let summary = try RedactJob(detections: root + "/detections.json", imagesFolder: card, outputFolder: out).run()
    #expect(summary.redacted == ["site/cam/person.jpg": "site/cam/person.jpg"])
    #expect(summary.copied == 1)  // animal.jpg; low.jpg's person is below 0.5 but the file is missing
    #expect(summary.unreadable.keys.sorted() == ["site/cam/broken.jpg", "site/cam/low.jpg"])

    let redacted = try ImageDecoder.decode(fileAt: out + "/site/cam/person.jpg").image
    // Box 16…32 × 12…28 px (with the margin 14…34 × 10…30) is black; far corners are as before.
    #expect(meanDifference(redacted, RGBImage(width: 64, height: 48, pixels: .init(repeating: 0, count: 64 * 48 * 3)), x0: 16, y0: 12, x1: 32, y1: 28) < 4)
    #expect(meanDifference(redacted, original, x0: 40, y0: 34, x1: 64, y1: 48) < 4)
    let copied = try Data(contentsOf: URL(fileURLWithPath: out + "/site/cam/animal.jpg"))
    #expect(Array(copied) == jpeg)
  }

  @Test func parsesClasses() {
    #expect(RedactJob.classes(parsing: "people,vehicles") == [.person, .vehicle])
    #expect(RedactJob.classes(parsing: "person") == [.person])
    #expect(RedactJob.classes(parsing: "faces") == nil)
    #expect(RedactJob.outputName(for: "a/b.PNG") == "a/b.PNG.jpg")
    #expect(RedactJob.outputName(for: "a/b.JPEG") == "a/b.JPEG")
  }
}
