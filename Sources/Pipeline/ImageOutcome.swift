import LookoutCore

/// One detection as stored in the checkpoint: class index (0 animal, 1 person, 2 vehicle),
/// confidence, and the normalized `[x, y, width, height]` box (top-left corner and size).
public struct StoredDetection: Codable, Sendable, Equatable {
  public var classIndex: Int
  public var confidence: Float
  public var box: [Float]
  /// For a video clip: the frame the detection was found in (MegaDetector's `frame_number`).
  public var frameNumber: Int?

  public init(classIndex: Int, confidence: Float, box: [Float], frameNumber: Int? = nil) {
    self.classIndex = classIndex
    self.confidence = confidence
    self.box = box
    self.frameNumber = frameNumber
  }

  /// The class at ``classIndex``; nil for an index that is no class.
  public var detectionClass: DetectionClass? { DetectionClass(index: classIndex) }

  enum CodingKeys: String, CodingKey {
    case classIndex = "c"
    case confidence = "p"
    case box = "b"
    case frameNumber = "f"
  }
}

/// Everything the scan learned about one image: the unit of checkpointing.
///
/// Outputs (detections JSON, alerts, summary) are derived from outcomes alone, so a resumed run
/// that replays outcomes from the checkpoint writes the same files as an uninterrupted one.
public struct ImageOutcome: Codable, Sendable, Equatable {
  /// Relative path on the card (`/` separators).
  public var file: String
  /// File size and modification time when read: a changed file is scanned again on resume.
  public var size: Int64
  public var modifiedNanoseconds: Int64
  /// Displayed (upright) size at full resolution.
  public var width: Int?
  public var height: Int?
  /// Local capture time `YYYY-MM-DDTHH:MM:SS`, and the UTC offset `+HH:MM` when the camera wrote one.
  public var capturedLocal: String?
  public var capturedOffset: String?
  public var latitude: Double?
  public var longitude: Double?
  public var altitude: Double?
  public var make: String?
  public var model: String?
  /// The camera's id from EXIF (``ImageIO/ImageMetadata/cameraID``); nil when it wrote none.
  public var cameraID: String?
  /// Detections at or above the run's minimum confidence; nil when the image failed.
  public var detections: [StoredDetection]?
  /// Machine code and human reason of a failure (`truncated`, "premature end of JPEG data").
  public var failureCode: String?
  public var failureReason: String?
  /// Number of tiles inferred at native resolution (nil when the whole frame was enough).
  public var tiles: Int?
  /// For a video clip: its frame rate and the frame numbers run through the detector (nil for
  /// an image). A clip's detections are those of its best frame per class.
  public var frameRate: Double?
  public var framesProcessed: [Int]?

  public init(file: String, size: Int64, modifiedNanoseconds: Int64) {
    self.file = file
    self.size = size
    self.modifiedNanoseconds = modifiedNanoseconds
  }

  public var failed: Bool { detections == nil }

  /// Whether this is a video clip's outcome (it has a frame rate).
  public var isVideo: Bool { frameRate != nil }

  /// `2024-05-01T06:12:09+02:00` when the offset is known, the local time otherwise.
  public var capturedAt: String? {
    guard let local = capturedLocal else { return nil }
    return local + (capturedOffset ?? "")
  }

  enum CodingKeys: String, CodingKey {
    case file, size, modifiedNanoseconds = "mtime", width, height, capturedLocal = "local"
    case capturedOffset = "offset", latitude = "lat", longitude = "lon", altitude = "alt"
    case make, model, cameraID = "camera_id", detections, failureCode, failureReason, tiles
    case frameRate = "frame_rate", framesProcessed = "frames"
  }
}
