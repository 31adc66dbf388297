import Foundation
import ImageIO
import Testing
import VideoClipWriter
import VideoIO

/// Sampling and decoding of clips written in code: which frames come out, at what size, with
/// which pixels, and how each kind of broken clip fails.
@Suite struct VideoClipTests {
  /// Seven colours, one per second of a 10 fps clip.
  static let colours: [(UInt8, UInt8, UInt8)] = [
    (250, 0, 0), (0, 250, 0), (0, 0, 250), (250, 250, 0), (0, 250, 250), (250, 0, 250),
    (128, 128, 128),
  ]

  static func colourClip(
    _ url: URL, format: String = "avi", codec: String = "mjpeg", width: Int = 96,
    height: Int = 64, seconds: Int = 4, gop: Int = 12, creationTime: String? = nil
  ) throws {
    let images = colours.map { TestClips.solid(width: width, height: height, $0.0, $0.1, $0.2) }
    try TestClips.write(
      url, format: format, codec: codec, width: width, height: height, fps: 10, gop: gop,
      images: images, schedule: (0..<(seconds * 10)).map { $0 / 10 }, creationTime: creationTime)
  }

  static func frames(_ clip: VideoClip) throws(VideoDecodeError) -> [VideoFrame] {
    var frames: [VideoFrame] = []
    while let frame = try clip.nextFrame() { frames.append(frame) }
    return frames
  }

  static func open(_ url: URL, _ sampling: VideoSampling = VideoSampling()) throws(VideoDecodeError)
    -> VideoClip
  {
    try VideoClip(path: Array(url.path.utf8), displayPath: url.lastPathComponent, sampling: sampling)
  }

  static func assertColour(_ frame: VideoFrame, _ colour: (UInt8, UInt8, UInt8)) {
    let pixel = frame.image.pixel(x: frame.image.width / 2, y: frame.image.height / 2)
    for (got, want) in [(pixel.r, colour.0), (pixel.g, colour.1), (pixel.b, colour.2)] {
      #expect(abs(Int(got) - Int(want)) <= 12, "frame \(frame.frameNumber): \(pixel)")
    }
  }

  @Test func mjpegClipIsSampledOnceASecondFromTheFirstFrame() throws {
    let url = try TestClips.folder().appendingPathComponent("clip.avi")
    try Self.colourClip(url)
    let clip = try Self.open(url)
    #expect(clip.info.codec == "mjpeg")
    #expect(clip.info.frameRate == 10)
    #expect(clip.info.skipsPackets)
    let frames = try Self.frames(clip)
    #expect(frames.map(\.frameNumber) == [0, 10, 20, 30])
    #expect(frames.map(\.seconds) == [0, 1, 2, 3])
    for (index, frame) in frames.enumerated() {
      #expect(frame.image.width == 96 && frame.image.height == 64)
      Self.assertColour(frame, Self.colours[index])
    }
  }

  @Test func videoFPSTwoSamplesTwiceASecond() throws {
    let url = try TestClips.folder().appendingPathComponent("clip.avi")
    try Self.colourClip(url, seconds: 2)
    let frames = try Self.frames(try Self.open(url, VideoSampling(framesPerSecond: 2)))
    #expect(frames.map(\.frameNumber) == [0, 5, 10, 15])
  }

  @Test func largeMJPEGIsDecodedScaledDownInTheDCT() throws {
    let url = try TestClips.folder().appendingPathComponent("big.avi")
    try Self.colourClip(url, width: 1280, height: 720, seconds: 2)
    let clip = try Self.open(url, VideoSampling(outputLongSide: 320))
    #expect(clip.info.lowres == 2)
    let frames = try Self.frames(clip)
    #expect(frames.map(\.frameNumber) == [0, 10])
    #expect(frames[0].image.width == 320 && frames[0].image.height == 180)
    Self.assertColour(frames[1], Self.colours[1])
  }

  @Test func mpeg4WithKeyFramesEveryHalfSecondDecodesKeyFramesOnly() throws {
    let url = try TestClips.folder().appendingPathComponent("clip.mp4")
    try Self.colourClip(url, format: "mp4", codec: "mpeg4", gop: 5)
    let clip = try Self.open(url)
    #expect(clip.info.keyFramesOnly)
    let frames = try Self.frames(clip)
    #expect(frames.map(\.frameNumber) == [0, 10, 20, 30])
    for (index, frame) in frames.enumerated() { Self.assertColour(frame, Self.colours[index]) }
  }

  @Test func mpeg4WithSparseKeyFramesDecodesEveryFrame() throws {
    let url = try TestClips.folder().appendingPathComponent("clip.mp4")
    try Self.colourClip(url, format: "mp4", codec: "mpeg4", gop: 100)
    let clip = try Self.open(url)
    #expect(!clip.info.keyFramesOnly && !clip.info.skipsPackets)
    let frames = try Self.frames(clip)
    #expect(frames.map(\.frameNumber) == [0, 10, 20, 30])
    for (index, frame) in frames.enumerated() { Self.assertColour(frame, Self.colours[index]) }
  }

  @Test func creationTimeIsReadFromTheContainer() throws {
    let url = try TestClips.folder().appendingPathComponent("clip.mp4")
    try Self.colourClip(
      url, format: "mp4", codec: "mpeg4", seconds: 1, creationTime: "2024-05-01T06:12:09.000000Z")
    #expect(try Self.open(url).info.creationTime == "2024-05-01T06:12:09.000000Z")
    #expect(try Self.open(url).info.localCreationTime == nil)
  }

  @Test func aPhonesLocalCreationDateIsReadBesideTheUTCOne() throws {
    let url = try TestClips.folder().appendingPathComponent("phone.mp4")
    let images = [TestClips.solid(width: 64, height: 48, 0, 0, 250)]
    try ClipWriter.write(
      url.path, format: "mp4", codec: "mjpeg", width: 64, height: 48, fps: 10, gop: 10,
      images: images, schedule: Array(repeating: 0, count: 10),
      creationTime: "2024-05-01T06:12:09.000000Z",
      tags: [("com.apple.quicktime.creationdate", "2024-05-01T08:12:09+0200")])
    let info = try Self.open(url).info
    #expect(info.creationTime == "2024-05-01T06:12:09.000000Z")
    #expect(info.localCreationTime == "2024-05-01T08:12:09+0200")
  }

  // MARK: Turned clips

  /// Where the red quarter of a 64 x 48 frame (red top-left, blue elsewhere) is displayed under
  /// each display matrix (a, b, c, d: stored pixel (p, q) shown at (a p + c q, b p + d q)), the
  /// frame size as displayed, and the orientation read. The first matrix is a phone held upright.
  static let turns:
    [(matrix: [Int32], orientation: ExifOrientation, size: (Int, Int), red: (Int, Int))] = [
      // a quarter turn clockwise: red top-right
      ([0, 1, -1, 0], .right, (48, 64), (1, 0)),
      // half a turn: bottom-right
      ([-1, 0, 0, -1], .down, (64, 48), (1, 1)),
      // a quarter turn anticlockwise: bottom-left
      ([0, -1, 1, 0], .left, (48, 64), (0, 1)),
      // mirrored left to right: top-right
      ([-1, 0, 0, 1], .upMirrored, (64, 48), (1, 0)),
      // as stored
      ([1, 0, 0, 1], .up, (64, 48), (0, 0)),
    ]

  @Test(arguments: 0..<turns.count)
  func framesOfATurnedClipAreHandedOutUpright(_ index: Int) throws {
    let turn = Self.turns[index]
    var image = TestClips.solid(width: 64, height: 48, 0, 0, 250)
    for y in 0..<24 {
      for x in 0..<32 {
        let at = (y * 64 + x) * 3
        image.replaceSubrange(at..<at + 3, with: [250, 0, 0])
      }
    }
    let url = try TestClips.folder().appendingPathComponent("turned.mp4")
    let m = turn.matrix
    try TestClips.write(
      url, format: "mp4", codec: "mjpeg", width: 64, height: 48, fps: 10, images: [image],
      schedule: Array(repeating: 0, count: 10),
      displayMatrix: ClipWriter.displayMatrix(a: m[0], b: m[1], c: m[2], d: m[3]))
    let clip = try Self.open(url)
    #expect(clip.info.orientation == turn.orientation)
    #expect(clip.info.width == 64 && clip.info.height == 48)
    #expect(clip.info.displaySize == turn.size)
    let frame = try #require(try clip.nextFrame())
    #expect(frame.image.width == turn.size.0 && frame.image.height == turn.size.1)
    // The centre of each quarter of the displayed frame: red in one, blue in the other three.
    for qy in 0..<2 {
      for qx in 0..<2 {
        let pixel = frame.image.pixel(
          x: frame.image.width / 4 + qx * frame.image.width / 2,
          y: frame.image.height / 4 + qy * frame.image.height / 2)
        let red = (qx, qy) == turn.red
        #expect(red ? pixel.r > 200 && pixel.b < 50 : pixel.b > 200 && pixel.r < 50,
                "quarter (\(qx), \(qy)): \(pixel)")
      }
    }
  }

  // MARK: Broken clips

  static func failure(_ url: URL, _ sampling: VideoSampling = VideoSampling()) -> VideoDecodeError? {
    do throws(VideoDecodeError) {
      _ = try frames(try open(url, sampling))
      return nil
    } catch {
      return error
    }
  }

  @Test func textFileNamedMP4IsNotAVideo() throws {
    let url = try TestClips.folder().appendingPathComponent("notes.mp4")
    try Data("battery 80%\n".utf8).write(to: url)
    let error = try #require(Self.failure(url))
    #expect(error.reasonCode == "not_a_video")
    #expect(error.description.hasPrefix("notes.mp4: not a readable video: "))
  }

  @Test func audioOnlyClipHasNoVideoStream() throws {
    let url = try TestClips.folder().appendingPathComponent("sound.mkv")
    try TestClips.audioOnly(url)
    #expect(Self.failure(url) == .noVideoStream(path: "sound.mkv"))
  }

  @Test func clipWithoutFramesFails() throws {
    let url = try TestClips.folder().appendingPathComponent("empty.avi")
    try TestClips.noFrames(url)
    #expect(Self.failure(url) == .noFrames(path: "empty.avi"))
  }

  @Test func codecWithoutDecoderIsUnsupported() throws {
    let url = try TestClips.folder().appendingPathComponent("avs2.mkv")
    try TestClips.undecodable(url)
    #expect(Self.failure(url) == .unsupportedCodec(path: "avs2.mkv", codec: "avs2"))
  }

  @Test func truncatedAVIFailsAsTruncated() throws {
    let folder = try TestClips.folder()
    let whole = folder.appendingPathComponent("whole.avi")
    try Self.colourClip(whole, seconds: 6)
    let bytes = try Data(contentsOf: whole)
    let cut = folder.appendingPathComponent("cut.avi")
    try bytes.prefix(bytes.count * 2 / 5).write(to: cut)
    let error = try #require(Self.failure(cut))
    #expect(error.reasonCode == "truncated", "\(error)")
    #expect(error.description.hasPrefix("cut.avi: truncated video: frames end at "))
  }

  @Test func truncatedMP4FailsWithAReason() throws {
    let folder = try TestClips.folder()
    let whole = folder.appendingPathComponent("whole.mp4")
    try Self.colourClip(whole, format: "mp4", codec: "mpeg4", seconds: 3)
    let bytes = try Data(contentsOf: whole)
    let cut = folder.appendingPathComponent("cut.mp4")
    try bytes.prefix(bytes.count / 2).write(to: cut)
    let error = try #require(Self.failure(cut))
    #expect(error.reasonCode == "not_a_video", "\(error)")
    #expect(error.description.hasPrefix("cut.mp4: not a readable video: no streams in it"))
  }

  @Test func clipLongerThanTheLimitFailsBeforeDecoding() throws {
    let url = try TestClips.folder().appendingPathComponent("long.avi")
    try Self.colourClip(url, seconds: 3)
    let error = try #require(Self.failure(url, VideoSampling(maxDurationSeconds: 2)))
    #expect(error == .tooLong(path: "long.avi", reason: "3.0 s, over the limit of 2.0 s"))
  }

  @Test func clipOverTheFrameCapFails() throws {
    let url = try TestClips.folder().appendingPathComponent("many.avi")
    try Self.colourClip(url, seconds: 3)
    let error = try #require(Self.failure(url, VideoSampling(maxFrames: 25)))
    #expect(error == .tooLong(path: "many.avi", reason: "over 25 frames read"))
  }
}
