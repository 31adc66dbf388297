import Foundation
import VideoTestSupport

/// Writes the small clips the tests make in code (no video is committed): frames given as packed
/// RGB, encoded with libavcodec through `VideoTestSupport`.
public enum ClipWriter {
  /// libav* refused the clip (its status code).
  public struct WriteFailed: Error { public var code: Int32 }

  /// Writes a clip at `path` whose frame `i` is `images[schedule[i]]` (packed RGB, `width` x
  /// `height`), in container `format` (`"avi"`, `"mp4"`, ...) with `codec`, at `fps` frames a
  /// second with a key frame every `gop` frames, and `creationTime` in the container when given.
  public static func write(
    _ path: String, format: String, codec: String, width: Int, height: Int, fps: Int, gop: Int,
    images: [[UInt8]], schedule: [Int], creationTime: String? = nil
  ) throws {
    let buffers = images.map { image -> UnsafeMutablePointer<UInt8> in
      let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: image.count)
      pointer.initialize(from: image, count: image.count)
      return pointer
    }
    defer { buffers.forEach { $0.deallocate() } }
    let pointers: [UnsafePointer<UInt8>?] = buffers.map { UnsafePointer($0) }
    let order = schedule.map(Int32.init)
    let code = pointers.withUnsafeBufferPointer { images in
      order.withUnsafeBufferPointer { order in
        func write(_ created: UnsafePointer<CChar>?) -> Int32 {
          lookout_test_write_clip(
            path, format, codec, Int32(width), Int32(height), Int32(fps), Int32(gop),
            images.baseAddress, order.baseAddress, Int32(order.count), created)
        }
        guard let creationTime else { return write(nil) }
        return creationTime.withCString { write($0) }
      }
    }
    guard code == 0 else { throw WriteFailed(code: code) }
  }
}
