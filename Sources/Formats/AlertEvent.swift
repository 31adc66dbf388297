/// The event an alert stands for, when alerts are one per event (the default): the event's
/// id, first and last capture time and number of images, and the files of its images that
/// alert, in file order. The record's other fields are its best frame's (the image with the
/// highest confidence), except `labels`, which are the classes seen in any of those files.
///
/// Written after `thresholds` in alerts.jsonl as `"event": {"id", "start", "end", "frames",
/// "files"}`; in alerts.csv as the columns `frames`, `event_start`, `event_end` and `event_id`
/// after the readable columns, and `files` (separated by `;`) last
/// (``AlertEncoding/eventCSVColumns``).
public struct AlertEvent: Sendable, Equatable {
  public var id: String
  public var start: String
  public var end: String
  /// Images in the event, alerting or not.
  public var frames: Int
  /// The event's images that alert, in file order.
  public var files: [String]

  public init(id: String, start: String, end: String, frames: Int, files: [String]) {
    self.id = id
    self.start = start
    self.end = end
    self.frames = frames
    self.files = files
  }

  /// The event's CSV columns, after the readable columns of an alerts.csv of event alerts.
  public static let csvColumns = ["frames", "event_start", "event_end", "event_id"]

  /// The event's list column, last in an alerts.csv of event alerts.
  public static let csvListColumns = ["files"]

  var jsonValue: JSONValue {
    .object([
      ("id", .string(id)), ("start", .string(start)), ("end", .string(end)),
      ("frames", .integer(frames)), ("files", .array(files.map { .string($0) })),
    ])
  }

  init?(jsonValue value: JSONValue) {
    guard let id = value["id"]?.stringValue, let start = value["start"]?.stringValue,
      let end = value["end"]?.stringValue, let frames = value["frames"]?.intValue,
      let list = value["files"]?.arrayValue
    else { return nil }
    let files = list.compactMap(\.stringValue)
    guard files.count == list.count else { return nil }
    self.init(id: id, start: start, end: end, frames: frames, files: files)
  }
}
