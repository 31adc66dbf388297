/// Why a clip could not be scanned. Every case names the file it is about.
public enum VideoDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file has zero bytes.
  case empty(path: String)
  /// FFmpeg cannot open the file as a media container: not a video whatever its extension, or
  /// cut off before its headers (an MP4 whose index never got written).
  case notAVideo(path: String, reason: String)
  /// The container holds no video stream (audio only).
  case noVideoStream(path: String)
  /// The video stream's codec has no decoder in this FFmpeg build.
  case unsupportedCodec(path: String, codec: String)
  /// The data is corrupt beyond decoding, or reading it failed.
  case corrupt(path: String, reason: String)
  /// The frames end well before the length the container announces.
  case truncated(path: String, lastFrameSeconds: Double, durationSeconds: Double)
  /// The clip has a video stream but not one frame could be decoded from it.
  case noFrames(path: String)
  /// The clip is longer, or takes more frames or seconds of work, than the scan allows.
  case tooLong(path: String, reason: String)

  /// The path the error is about.
  public var path: String {
    switch self {
    case .empty(let path), .notAVideo(let path, _), .noVideoStream(let path),
      .unsupportedCodec(let path, _), .corrupt(let path, _), .truncated(let path, _, _),
      .noFrames(let path), .tooLong(let path, _):
      path
    }
  }

  /// "<path>: <reason>", for people.
  public var description: String {
    switch self {
    case .empty(let path): "\(path): file is empty (0 bytes)"
    case .notAVideo(let path, let reason): "\(path): not a readable video: \(reason)"
    case .noVideoStream(let path): "\(path): the clip has no video stream"
    case .unsupportedCodec(let path, let codec): "\(path): unsupported video codec \(codec)"
    case .corrupt(let path, let reason): "\(path): corrupt video: \(reason)"
    case .truncated(let path, let last, let duration):
      "\(path): truncated video: frames end at \(Self.seconds(last)) of "
        + "\(Self.seconds(duration))"
    case .noFrames(let path): "\(path): the clip has no frames"
    case .tooLong(let path, let reason): "\(path): video too long: \(reason)"
    }
  }

  /// A short stable machine code, shared with images where the meaning is the same: "empty",
  /// "not_a_video", "no_video_stream", "unsupported", "corrupt", "truncated", "no_frames",
  /// "too_long".
  public var reasonCode: String {
    switch self {
    case .empty: "empty"
    case .notAVideo: "not_a_video"
    case .noVideoStream: "no_video_stream"
    case .unsupportedCodec: "unsupported"
    case .corrupt: "corrupt"
    case .truncated: "truncated"
    case .noFrames: "no_frames"
    case .tooLong: "too_long"
    }
  }

  /// `"12.5 s"`.
  static func seconds(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10) s"
  }
}
