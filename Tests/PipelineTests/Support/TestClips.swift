import Foundation
import ImageIO
import VideoClipWriter
import VideoTestSupport

/// Clips written in code for the pipeline tests (no video is committed): frames from a shipped
/// sample photo, encoded with libavcodec through `VideoTestSupport`.
enum TestClips {
  struct WriteFailed: Error { var code: Int32 }

  /// The shipped thermal photo with three people in it (`expected.csv`), as RGB.
  static func personFrame() throws -> RGBImage {
    let bytes = try Repository.sampleBytes(Repository.thermalSamples[0])
    return try ImageDecoder.decode(
      data: bytes, path: Repository.thermalSamples[0],
      options: DecodeOptions(minimumLongSide: nil, maxPixels: 100_000_000)
    ).image
  }

  /// `seconds` of 10 fps video, 640x512: a dark grey field until frame `personFrom`, then the
  /// people photo.
  static func writePersonClip(
    _ path: String, format: String = "avi", codec: String = "mjpeg", seconds: Int = 4,
    personFrom: Int = 20, gop: Int = 100, creationTime: String? = nil
  ) throws {
    let person = try personFrame()
    let grey = [UInt8](repeating: 40, count: person.pixels.count)
    try write(
      path, format: format, codec: codec, width: person.width, height: person.height, fps: 10,
      gop: gop, images: [grey, person.pixels],
      schedule: (0..<(seconds * 10)).map { $0 < personFrom ? 0 : 1 }, creationTime: creationTime)
  }

  /// Writes a clip whose frame `i` is `images[schedule[i]]` (packed RGB).
  static func write(
    _ path: String, format: String, codec: String, width: Int, height: Int, fps: Int, gop: Int,
    images: [[UInt8]], schedule: [Int], creationTime: String? = nil, tags: [(String, String)] = [],
    displayMatrix: [Int32]? = nil
  ) throws {
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try ClipWriter.write(
      path, format: format, codec: codec, width: width, height: height, fps: fps, gop: gop,
      images: images, schedule: schedule, creationTime: creationTime, tags: tags,
      displayMatrix: displayMatrix)
  }

  /// Two seconds of the people photo as a phone held upright records it: frames stored turned
  /// a quarter anticlockwise (512 x 640) with the display matrix that turns them back, the
  /// container's creation_time in UTC (06:12:09Z) and the phone's local time with its offset
  /// (08:12:09+0200) in `com.apple.quicktime.creationdate`.
  static func writeUprightPhoneClip(_ path: String) throws {
    let stored = try personFrame().applying(.left)
    try write(
      path, format: "mp4", codec: "mjpeg", width: stored.width, height: stored.height, fps: 10,
      gop: 10, images: [stored.pixels], schedule: Array(repeating: 0, count: 20),
      creationTime: "2024-05-01T06:12:09.000000Z",
      tags: [("com.apple.quicktime.creationdate", "2024-05-01T08:12:09+0200")],
      displayMatrix: ClipWriter.displayMatrix(a: 0, b: 1, c: -1, d: 0))
  }

  static func audioOnly(_ path: String) throws {
    let code = lookout_test_write_audio_only(path, "matroska")
    guard code == 0 else { throw WriteFailed(code: code) }
  }

  static func noFrames(_ path: String) throws {
    let code = lookout_test_write_no_frames(path, "avi", 64, 48)
    guard code == 0 else { throw WriteFailed(code: code) }
  }
}
