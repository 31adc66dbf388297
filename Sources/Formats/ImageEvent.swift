/// Where an image's capture time came from, for grouping it into an event.
public enum CaptureTimeSource: String, Sendable, Equatable {
  /// EXIF `DateTimeOriginal` (with its offset, or the deployment's, when known).
  case exif
  /// The file's modification time, for an image without an EXIF capture time.
  case file
}

/// The event (one burst of a camera: images less than the event gap apart) an image belongs
/// to, as detections.json writes it beside the image: an extra member `event` that
/// MegaDetector readers ignore,
/// `{"id": "site-a/cam-1#3", "start": "…", "end": "…", "frames": 4, "time_source": "exif"}`.
public struct ImageEvent: Sendable, Equatable {
  /// The camera's key and the event's number at that camera, counted from 1 in time order.
  public var id: String
  /// The capture times of the event's first and last image (ISO 8601; with the UTC offset when
  /// known; a file time is in UTC).
  public var start: String
  public var end: String
  /// How many images the event has.
  public var frames: Int
  /// Where this image's own capture time came from.
  public var timeSource: CaptureTimeSource

  public init(
    id: String, start: String, end: String, frames: Int, timeSource: CaptureTimeSource
  ) {
    self.id = id
    self.start = start
    self.end = end
    self.frames = frames
    self.timeSource = timeSource
  }

  /// The `event` member's value.
  var jsonValue: JSONValue {
    .object([
      ("id", .string(id)), ("start", .string(start)), ("end", .string(end)),
      ("frames", .integer(frames)), ("time_source", .string(timeSource.rawValue)),
    ])
  }

  /// Reads an `event` member back; nil when it is not one.
  init?(jsonValue value: JSONValue) {
    guard let id = value["id"]?.stringValue, let start = value["start"]?.stringValue,
      let end = value["end"]?.stringValue, let frames = value["frames"]?.intValue,
      let source = value["time_source"]?.stringValue.flatMap(CaptureTimeSource.init(rawValue:))
    else { return nil }
    self.init(id: id, start: start, end: end, frames: frames, timeSource: source)
  }
}
