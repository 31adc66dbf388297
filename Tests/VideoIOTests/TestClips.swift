import Foundation
import VideoClipWriter
import VideoTestSupport

/// Small clips written in code for the tests (no video is committed).
enum TestClips {
  struct WriteFailed: Error { var code: Int32 }

  /// A fresh empty folder under the system temp directory.
  static func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("lookout-video-tests-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// A `width` x `height` image of one colour.
  static func solid(width: Int, height: Int, _ r: UInt8, _ g: UInt8, _ b: UInt8) -> [UInt8] {
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    for i in stride(from: 0, to: pixels.count, by: 3) {
      pixels[i] = r
      pixels[i + 1] = g
      pixels[i + 2] = b
    }
    return pixels
  }

  /// Writes a clip whose frame `i` is `images[schedule[i]]` (``ClipWriter/write``).
  static func write(
    _ url: URL, format: String, codec: String, width: Int, height: Int, fps: Int, gop: Int = 12,
    images: [[UInt8]], schedule: [Int], creationTime: String? = nil, displayMatrix: [Int32]? = nil
  ) throws {
    try ClipWriter.write(
      url.path, format: format, codec: codec, width: width, height: height, fps: fps, gop: gop,
      images: images, schedule: schedule, creationTime: creationTime, displayMatrix: displayMatrix)
  }

  static func audioOnly(_ url: URL) throws {
    let code = lookout_test_write_audio_only(url.path, "matroska")
    guard code == 0 else { throw WriteFailed(code: code) }
  }

  static func noFrames(_ url: URL) throws {
    let code = lookout_test_write_no_frames(url.path, "avi", 64, 48)
    guard code == 0 else { throw WriteFailed(code: code) }
  }

  static func undecodable(_ url: URL) throws {
    let code = lookout_test_write_undecodable(url.path, "matroska")
    guard code == 0 else { throw WriteFailed(code: code) }
  }
}
