import Foundation
import Testing

@testable import Formats

/// `MegaDetectorOutput.readInfo(path:)` reads a results file's `info` without parsing its
/// images (merge and rethreshold read only that from a scan's detections.json).
@Suite struct MegaDetectorInfoReaderTests {
  static func file(_ bytes: [UInt8]) throws -> String {
    let path = FileManager.default.temporaryDirectory.path
      + "/lookout-info-\(UUID().uuidString).json"
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test func readsWhatTheWholeDecoderReads() throws {
    let bytes = MegaDetectorOutput.encode(images: GoldenData.images, info: GoldenData.info)
    let path = try Self.file(bytes)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let whole = try MegaDetectorOutput.decode(bytes)
    let read = try MegaDetectorOutput.readInfo(path: path)
    #expect(read.info == whole.info)
    #expect(read.formatVersion == whole.formatVersion)
    #expect(read.formatVersion == "1.6")
  }

  /// The images are never parsed: a file cut off in the middle of them still gives its info,
  /// where decoding the whole document fails.
  @Test func doesNotReadTheImages() throws {
    var bytes = MegaDetectorOutput.encode(images: GoldenData.images, info: GoldenData.info)
    bytes = Array(bytes[..<(bytes.count - 40)]) + Array("{\"file\": \"broken".utf8)
    let path = try Self.file(bytes)
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(throws: MegaDetectorDecodeError.self) { try MegaDetectorOutput.decode(bytes) }
    #expect(try MegaDetectorOutput.readInfo(path: path).info == GoldenData.info)
  }

  /// `info` after `images`, behind strings holding braces, commas, colons and escaped quotes.
  @Test func findsInfoAfterTheImages() throws {
    let text = #"""
      {"images": [{"file": "a\"},{\"info\": 1, x:[.jpg", "detections": [{"category": "1", "conf": 0.5, "bbox": [0, 0, 1, 1]}]}],
       "detection_categories": {"1": "animal"},
       "info" : {"format_version": "1.4", "detector": "md \"v5\" {x}"}, "tail": [1, {"info": {}}]}
      """#
    let path = try Self.file(Array(text.utf8))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let read = try MegaDetectorOutput.readInfo(path: path)
    #expect(read.formatVersion == "1.4")
    #expect(read.info.detector == #"md "v5" {x}"#)
  }

  @Test func aDocumentWithoutInfoHasAnEmptyOne() throws {
    let path = try Self.file(Array(#"{"images": [], "detection_categories": {}}"#.utf8))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let read = try MegaDetectorOutput.readInfo(path: path)
    #expect(read.info == RunInfo())
    #expect(read.formatVersion == nil)
  }

  @Test func badInfoAndMissingFilesAreNamed() throws {
    let path = try Self.file(Array(#"{"info": [1, 2], "images": []}"#.utf8))
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(throws: MegaDetectorOutput.InfoReadError.self) {
      try MegaDetectorOutput.readInfo(path: path)
    }
    do {
      _ = try MegaDetectorOutput.readInfo(path: path)
    } catch {
      #expect(error.description.contains(path))
      #expect(error.description.contains("info: not an object"))
    }
    do {
      _ = try MegaDetectorOutput.readInfo(path: path + ".missing")
      Issue.record("a missing file was read")
    } catch .file(let error) {
      #expect(error.code == ENOENT)
    } catch {
      Issue.record("unexpected \(error)")
    }
  }
}
