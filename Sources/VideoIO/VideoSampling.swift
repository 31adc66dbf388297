/// How a clip is sampled, and the limits on the work one clip may take.
public struct VideoSampling: Sendable, Equatable {
  /// Frames sampled per second of video (`--video-fps`); the first frame is always sampled.
  public var framesPerSecond: Double
  /// The long side sampled frames are scaled to (never up): the network's input side.
  public var outputLongSide: Int
  /// Longest clip scanned, in seconds of video; a longer one fails as too long before any
  /// frame is decoded.
  public var maxDurationSeconds: Double
  /// Most frames read from one clip (decoded or skipped) before it fails as too long: the
  /// cap for clips whose container does not say how long they are.
  public var maxFrames: Int
  /// Most seconds of decoding work on one clip before it fails as too long; 0 for no limit.
  public var maxWorkSeconds: Double

  public init(
    framesPerSecond: Double = 1, outputLongSide: Int = 640, maxDurationSeconds: Double = 3600,
    maxFrames: Int = 216_000, maxWorkSeconds: Double = 600
  ) {
    self.framesPerSecond = framesPerSecond
    self.outputLongSide = outputLongSide
    self.maxDurationSeconds = maxDurationSeconds
    self.maxFrames = maxFrames
    self.maxWorkSeconds = maxWorkSeconds
  }
}
