import Foundation
import ImageIO
import LookoutCore
import Pipeline
import Testing
import VideoClipWriter

@testable import Watch

/// A clip uploaded to the inbox is processed like a photo: once, through the shipped model, by
/// sampling frames as `scan` does, and its alert names the clip.
@Suite struct WatchClipTests {
  /// `seconds` of 10 fps MJPEG: a dark grey field until frame 20, then the shipped thermal photo
  /// with people in it.
  static func writePersonClip(_ path: String, seconds: Int = 4) throws {
    let sample = "SampleImages/ridge-north/drone01/DJI_20240914061203_0001_T.JPG"
    let bytes = try #require(FileManager.default.contents(atPath: TestFiles.repositoryRoot + "/" + sample))
    let person = try ImageDecoder.decode(
      data: [UInt8](bytes), path: sample, options: DecodeOptions(minimumLongSide: nil)
    ).image
    let grey = [UInt8](repeating: 40, count: person.pixels.count)
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try ClipWriter.write(
      path, format: "avi", codec: "mjpeg", width: person.width, height: person.height, fps: 10,
      gop: 100, images: [grey, person.pixels],
      schedule: (0..<(seconds * 10)).map { $0 < 20 ? 0 : 1 })
  }

  @Test func aClipInTheInboxIsScannedOnceAndAlerts() async throws {
    var h = WatchHarness("clip")
    defer { h.folder.remove() }
    try Self.writePersonClip(h.inbox + "/cam1/MVI_0001.AVI")
    // Not a clip nor a photo: still left alone.
    try #require(FileManager.default.createFile(atPath: h.inbox + "/cam1/MVI_0001.THM", contents: Data([1, 2])))
    h.configuration.thresholds = ClassThresholds(classes: ["person": 0.3, "vehicle": 1])
    let engine = try DetectorEngine.load(
      directory: TestFiles.repositoryRoot + "/Models", settings: ImageScanSettings())
    let make = { () throws -> InboxWatcher in
      try InboxWatcher(configuration: h.configuration, loadEngine: { engine })
    }
    let first = try await make().runOnce()
    #expect(first.seen == 1)
    #expect(first.processed == 1)
    #expect(first.failed == 0)
    let rows = try h.files()
    #expect(rows.map(\.path) == ["cam1/MVI_0001.AVI"])
    #expect(rows.first?.status == .done)
    let alerts = try h.alerts()
    #expect(alerts.count == 1)
    let payloads = h.latestPayloads()
    let payload = try #require(payloads.values.first)
    #expect(payload["file"] as? String == "cam1/MVI_0001.AVI", "\(payload)")
    #expect((payload["labels"] as? [String])?.contains("person") == true, "\(payload)")
    // A second pass finds nothing new.
    let second = try await make().runOnce()
    #expect(second.processed == 0)
    #expect(try h.alerts().count == 1)
  }
}
