import CVideoShim
import ImageIO

/// What a clip is, from its headers.
public struct VideoClipInfo: Sendable, Equatable {
  /// Coded frame size, as the frames are stored (before ``orientation`` turns them).
  public var width: Int
  public var height: Int
  /// Frames per second; 0 when the container does not say.
  public var frameRate: Double
  /// Length in seconds; nil when the container does not say.
  public var durationSeconds: Double?
  /// FFmpeg's codec name: `h264`, `mjpeg`, `mpeg4`...
  public var codec: String
  /// The container's `creation_time` tag as written (`2024-05-01T06:12:09.000000Z`), if any.
  public var creationTime: String?
  /// The QuickTime `com.apple.quicktime.creationdate` tag, which phones write: the local time
  /// with its UTC offset (`2024-05-01T08:12:09+0200`), if any.
  public var localCreationTime: String? = nil
  /// How decoding was set up: the DCT-scaling level (MJPEG), key frames only, or packets
  /// between samples skipped undecoded (every frame a key frame).
  public var lowres: Int
  public var keyFramesOnly: Bool
  public var skipsPackets: Bool
  /// How stored frames are turned for display, from the stream's display matrix (a phone held
  /// upright records sideways frames and a matrix that turns them): ``VideoClip/nextFrame()``
  /// hands frames out turned. `.up` when the clip has no matrix, or one that is not a
  /// multiple of a quarter turn.
  public var orientation: ExifOrientation = .up

  /// The frame size as displayed: ``width`` x ``height`` turned by ``orientation``.
  public var displaySize: (width: Int, height: Int) {
    orientation.displaySize(width: width, height: height)
  }
}

/// One sampled frame: its index at the clip's frame rate, its time from the start, and its
/// pixels scaled to ``VideoSampling/outputLongSide``, upright (turned by the clip's
/// ``VideoClipInfo/orientation``).
public struct VideoFrame: Sendable {
  public var frameNumber: Int
  public var seconds: Double
  public var image: RGBImage
}

/// An open clip, handing out sampled frames one at a time. Not shareable between threads;
/// closed when released.
public final class VideoClip {
  private let handle: OpaquePointer
  private let sampling: VideoSampling
  /// The name errors give (the card-relative path).
  public let displayPath: String
  public let info: VideoClipInfo
  private var buffer: [UInt8]
  private var lastFrameSeconds: Double = -1
  private var sampled = 0

  /// Opens the clip at `path` (raw bytes, no NUL). `displayPath` names it in errors.
  public init(path: [UInt8], displayPath: String, sampling: VideoSampling) throws(VideoDecodeError) {
    self.displayPath = displayPath
    self.sampling = sampling
    var limits = lookout_video_limits()
    limits.sample_interval_seconds = 1 / max(sampling.framesPerSecond, 1e-6)
    limits.output_long_side = Int32(sampling.outputLongSide)
    limits.max_frames = Int64(sampling.maxFrames)
    limits.max_work_seconds = sampling.maxWorkSeconds
    var raw = lookout_video_info()
    var message = [CChar](repeating: 0, count: Int(LOOKOUT_VIDEO_MESSAGE_CAPACITY))
    var opened: OpaquePointer?
    let capacity = message.count
    let status = (path + [0]).withUnsafeBufferPointer { bytes in
      bytes.withMemoryRebound(to: CChar.self) {
        lookout_video_open($0.baseAddress, limits, &opened, &raw, &message, capacity)
      }
    }
    let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let codec = withUnsafeBytes(of: raw.codec) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    guard status == LOOKOUT_VIDEO_OK, let opened else {
      throw Self.error(status, path: displayPath, message: text, codec: codec)
    }
    let created = withUnsafeBytes(of: raw.creation_time) {
      String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
    }
    let createdLocal = withUnsafeBytes(of: raw.local_creation_time) {
      String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
    }
    handle = opened
    info = VideoClipInfo(
      width: Int(raw.width), height: Int(raw.height), frameRate: raw.frame_rate,
      durationSeconds: raw.duration_seconds >= 0 ? raw.duration_seconds : nil, codec: codec,
      creationTime: created.isEmpty ? nil : created,
      localCreationTime: createdLocal.isEmpty ? nil : createdLocal, lowres: Int(raw.lowres),
      keyFramesOnly: raw.key_frames_only != 0, skipsPackets: raw.skips_packets != 0,
      orientation: ExifOrientation(rawValue: Int(raw.orientation)) ?? .up)
    buffer = [UInt8](repeating: 0, count: Int(raw.output_width) * Int(raw.output_height) * 3)
    outputWidth = Int(raw.output_width)
    outputHeight = Int(raw.output_height)
    if let duration = info.durationSeconds, duration > sampling.maxDurationSeconds {
      throw .tooLong(
        path: displayPath,
        reason: "\(VideoDecodeError.seconds(duration)), over the limit of "
          + "\(VideoDecodeError.seconds(sampling.maxDurationSeconds))")
    }
  }

  private let outputWidth: Int
  private let outputHeight: Int

  deinit { lookout_video_close(handle) }

  /// The next sampled frame, upright; nil at the end of the clip. At the end, a clip that gave
  /// no frame fails as ``VideoDecodeError/noFrames(path:)`` (or as corrupt when the decoder
  /// rejected its data), and one whose frames stop well before its announced length as
  /// truncated.
  public func nextFrame() throws(VideoDecodeError) -> VideoFrame? {
    var frameNumber: Int64 = 0
    var seconds: Double = 0
    var message = [CChar](repeating: 0, count: Int(LOOKOUT_VIDEO_MESSAGE_CAPACITY))
    let capacity = buffer.count
    let messageCapacity = message.count
    let status = buffer.withUnsafeMutableBufferPointer {
      lookout_video_next(
        handle, $0.baseAddress, capacity, &frameNumber, &seconds, &message, messageCapacity)
    }
    let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    switch status {
    case LOOKOUT_VIDEO_OK:
      sampled += 1
      return VideoFrame(
        frameNumber: Int(frameNumber), seconds: seconds,
        image: RGBImage(width: outputWidth, height: outputHeight, pixels: buffer)
          .applying(info.orientation))
    case LOOKOUT_VIDEO_END:
      try checkEnd()
      return nil
    default:
      throw Self.error(status, path: displayPath, message: text, codec: info.codec)
    }
  }

  private func checkEnd() throws(VideoDecodeError) {
    var decoded: Int64 = 0
    var last: Double = 0
    var rejected: Int64 = 0
    lookout_video_progress(handle, &decoded, &last, &rejected)
    if sampled == 0 {
      if rejected > 0 {
        throw .corrupt(path: displayPath, reason: "the decoder rejected all \(rejected) frames")
      }
      throw .noFrames(path: displayPath)
    }
    // Frames that stop more than a second (and two frame times) short of the announced length
    // mean the file was cut off: a copy that did not finish, a camera that lost power.
    if let duration = info.durationSeconds {
      let frameTime = info.frameRate > 0 ? 1 / info.frameRate : 0
      if last + frameTime < duration - max(1, 2 * frameTime) {
        throw .truncated(path: displayPath, lastFrameSeconds: last + frameTime, durationSeconds: duration)
      }
    }
  }

  private static func error(
    _ status: lookout_video_status, path: String, message: String, codec: String
  ) -> VideoDecodeError {
    switch status {
    case LOOKOUT_VIDEO_NOT_A_VIDEO: .notAVideo(path: path, reason: message)
    case LOOKOUT_VIDEO_NO_VIDEO_STREAM: .noVideoStream(path: path)
    case LOOKOUT_VIDEO_UNSUPPORTED_CODEC: .unsupportedCodec(path: path, codec: codec)
    case LOOKOUT_VIDEO_OVER_LIMIT: .tooLong(path: path, reason: message)
    case LOOKOUT_VIDEO_NO_MEMORY: .corrupt(path: path, reason: "out of memory")
    default: .corrupt(path: path, reason: message)
    }
  }
}
