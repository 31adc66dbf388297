import Foundation
import ImageIO
import VideoIO

/// The frame a review page shows for a video clip: decoded from the clip and written as a JPEG
/// beside the page, since a browser cannot show one frame of an AVI or MP4 in an `<img>`.
///
/// Every frame up to the wanted one is sampled (frame numbers count every frame of the clip, as
/// MegaDetector's `frame_number` does), so the number found is the number the scan recorded
/// whatever `--video-fps` it ran with. Frames are written with a long side of at most
/// ``longSide`` pixels, under `frames/` in the report folder, named by the clip's place on the
/// page and the frame, never by the clip's own path.
struct ClipFrameExtractor {
  /// Long side of the written frames (never enlarged).
  static let longSide = 1280
  /// Seconds of decoding allowed per clip before the page goes on without its frame.
  static let maxWorkSeconds = 120.0

  var outputFolder: String

  /// The path, relative to the report folder, of frame `frameNumber` of `clipPath` written as
  /// `frames/clip-<index>-frame-<frameNumber>.jpg`; nil (with the reason) when the clip cannot
  /// be read there or ends before that frame.
  func extract(clipPath: String, frameNumber: Int, index: Int) -> Result<String, ClipFrameError> {
    let sampling = VideoSampling(
      framesPerSecond: 1000, outputLongSide: Self.longSide, maxWorkSeconds: Self.maxWorkSeconds)
    let image: RGBImage
    do {
      let clip = try VideoClip(
        path: Array(clipPath.utf8), displayPath: clipPath, sampling: sampling)
      var found: RGBImage?
      while let frame = try clip.nextFrame() {
        if frame.frameNumber == frameNumber {
          found = frame.image
          break
        }
        if frame.frameNumber > frameNumber { break }
      }
      guard let found else {
        return .failure(ClipFrameError(clip: clipPath, reason: "it has no frame \(frameNumber)"))
      }
      image = found
    } catch {
      return .failure(ClipFrameError(clip: clipPath, reason: error.description))
    }
    let name = "frames/clip-\(index)-frame-\(frameNumber).jpg"
    do {
      let bytes = try JPEGEncoder.encode(image, quality: 85)
      try FileManager.default.createDirectory(
        atPath: Paths.join(outputFolder, "frames"), withIntermediateDirectories: true)
      try Data(bytes).write(to: URL(fileURLWithPath: Paths.join(outputFolder, name)))
    } catch {
      return .failure(
        ClipFrameError(clip: clipPath, reason: "its frame could not be written: \(error)"))
    }
    return .success(name)
  }
}

/// A clip whose shown frame the review page could not extract: the page still lists it,
/// without a picture.
public struct ClipFrameError: Error, Sendable, Equatable, CustomStringConvertible {
  public var clip: String
  public var reason: String
  public var description: String { "\(clip): no frame for the review page: \(reason)" }
}
