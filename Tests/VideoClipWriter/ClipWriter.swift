import Foundation
import VideoTestSupport

/// Writes the small clips the tests make in code (no video is committed): frames given as packed
/// RGB, encoded with libavcodec through `VideoTestSupport`.
public enum ClipWriter {
  /// libav* refused the clip (its status code).
  public struct WriteFailed: Error { public var code: Int32 }

  /// Writes a clip at `path` whose frame `i` is `images[schedule[i]]` (packed RGB, `width` x
  /// `height`), in container `format` (`"avi"`, `"mp4"`, ...) with `codec`, at `fps` frames a
  /// second with a key frame every `gop` frames; `creationTime` and `tags` (e.g.
  /// `com.apple.quicktime.creationdate`, as a phone writes it) in the container and
  /// `displayMatrix` (nine numbers in FFmpeg's layout, see ``displayMatrix(a:b:c:d:)``) as the
  /// stream's display matrix when given.
  public static func write(
    _ path: String, format: String, codec: String, width: Int, height: Int, fps: Int, gop: Int,
    images: [[UInt8]], schedule: [Int], creationTime: String? = nil, tags: [(String, String)] = [],
    displayMatrix: [Int32]? = nil
  ) throws {
    let buffers = images.map { image -> UnsafeMutablePointer<UInt8> in
      let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: image.count)
      pointer.initialize(from: image, count: image.count)
      return pointer
    }
    defer { buffers.forEach { $0.deallocate() } }
    let pointers: [UnsafePointer<UInt8>?] = buffers.map { UnsafePointer($0) }
    let order = schedule.map(Int32.init)
    let allTags = (creationTime.map { [("creation_time", $0)] } ?? []) + tags
    let tagStrings = allTags.flatMap { [strdup($0.0), strdup($0.1)] }
    defer { tagStrings.forEach { free($0) } }
    let tagPointers: [UnsafePointer<CChar>?] =
      tagStrings.map { $0.map { UnsafePointer($0) } } + [nil]
    let code = pointers.withUnsafeBufferPointer { images in
      order.withUnsafeBufferPointer { order in
        tagPointers.withUnsafeBufferPointer { tagList in
          // An empty array stands for no matrix: the C side is given NULL then.
          (displayMatrix ?? []).withUnsafeBufferPointer { matrix in
            lookout_test_write_clip(
              path, format, codec, Int32(width), Int32(height), Int32(fps), Int32(gop),
              images.baseAddress, order.baseAddress, Int32(order.count), tagList.baseAddress,
              displayMatrix == nil ? nil : matrix.baseAddress)
          }
        }
      }
    }
    guard code == 0 else { throw WriteFailed(code: code) }
  }

  /// A display matrix mapping each stored pixel (p, q) to the displayed (a p + c q, b p + d q)
  /// (plus the shift a player works out), with a, b, c, d each -1, 0 or 1: e.g. a = 0, b = 1,
  /// c = -1, d = 0 is the quarter turn clockwise a phone held upright records.
  public static func displayMatrix(a: Int32, b: Int32, c: Int32, d: Int32) -> [Int32] {
    [a << 16, b << 16, 0, c << 16, d << 16, 0, 0, 0, 1 << 30]
  }
}
