import Crypto
import LookoutCore
import LookoutSystem

// Alert records: alerts.jsonl and alerts.csv. The schema is documented in ALERTS.md.

/// One box in an alert.
public struct AlertBox: Sendable, Equatable {
  /// Class name: "person", "vehicle", "animal".
  public var label: String
  /// Confidence in 0...1. Written rounded to 3 decimals.
  public var confidence: Double
  /// `[x, y, width, height]` relative to the image (as in MegaDetector output). Written rounded
  /// to 4 decimals.
  public var bbox: [Double]

  public init(label: String, confidence: Double, bbox: [Double]) {
    self.label = label
    self.confidence = confidence
    self.bbox = bbox
  }

  /// The box of a MegaDetector detection, labelled with its class name.
  public init(_ detection: DetectionRecord) {
    self.init(
      label: DetectionClass.name(forCategory: detection.category),
      confidence: detection.confidence, bbox: detection.bbox)
  }

  /// Confidence descending, then label, then coordinates ascending: the order boxes are written.
  public static func writtenBefore(_ a: AlertBox, _ b: AlertBox) -> Bool {
    if a.confidence != b.confidence { return a.confidence > b.confidence }
    if a.label != b.label { return a.label.utf8.lexicographicallyPrecedes(b.label.utf8) }
    for (x, y) in zip(a.bbox, b.bbox) where x != y { return x < y }
    return a.bbox.count < b.bbox.count
  }
}

/// One alert: an image in which something above its class threshold was found.
/// See ALERTS.md for the file formats.
public struct AlertRecord: Sendable, Equatable {
  /// Stable id (``AlertID/make(modelVersion:relativePath:fileSize:modificationSeconds:modificationNanoseconds:)``).
  public var id: String
  /// Path relative to the card's root, forward slashes (as `file` in detections.json).
  public var file: String
  /// The distinct labels of the boxes, sorted: `["person", "vehicle"]`.
  public var labels: [String]
  /// The highest box confidence.
  public var bestConfidence: Double
  /// The label of that box.
  public var bestLabel: String
  /// The boxes that raised the alert.
  public var boxes: [AlertBox]
  /// Capture time, ISO 8601: with offset when the camera recorded one
  /// (`"2024-05-01T06:12:33+02:00"`), else local (`"2024-05-01T06:12:33"`), else nil.
  public var capturedAt: String?
  /// Camera make/model or serial, when known.
  public var camera: String?
  /// Site name, when known.
  public var site: String?
  /// WGS 84 degrees, when known.
  public var latitude: Double?
  public var longitude: Double?
  /// Metres above sea level, when known.
  public var altitude: Double?
  /// The protected area the position falls inside, when known.
  public var insideArea: String?
  /// The model's version.
  public var modelVersion: String
  /// Class name → alert threshold in force, e.g. `["person": 0.5, "vehicle": 0.6]`.
  public var thresholds: [String: Double]
  /// The event this alert stands for (one alert per event); nil for a per-image alert.
  public var event: AlertEvent?
  /// For a video clip: the frame of the best box (its `frame_number` in detections.json) and
  /// its time from the clip's start in seconds. nil for an image.
  public var videoFrameNumber: Int?
  public var videoOffsetSeconds: Double?

  /// A record with every field given as is.
  public init(
    id: String, file: String, labels: [String], bestConfidence: Double, bestLabel: String,
    boxes: [AlertBox], capturedAt: String? = nil, camera: String? = nil, site: String? = nil,
    latitude: Double? = nil, longitude: Double? = nil, altitude: Double? = nil,
    insideArea: String? = nil, modelVersion: String, thresholds: [String: Double]
  ) {
    self.id = id
    self.file = file
    self.labels = labels
    self.bestConfidence = bestConfidence
    self.bestLabel = bestLabel
    self.boxes = boxes
    self.capturedAt = capturedAt
    self.camera = camera
    self.site = site
    self.latitude = latitude
    self.longitude = longitude
    self.altitude = altitude
    self.insideArea = insideArea
    self.modelVersion = modelVersion
    self.thresholds = thresholds
  }

  /// A record whose `labels`, `bestConfidence` and `bestLabel` are derived from `boxes`
  /// (which must not be empty), and whose boxes are sorted in written order.
  public init(
    id: String, file: String, boxes: [AlertBox], capturedAt: String? = nil, camera: String? = nil,
    site: String? = nil, latitude: Double? = nil, longitude: Double? = nil,
    altitude: Double? = nil, insideArea: String? = nil, modelVersion: String,
    thresholds: [String: Double]
  ) {
    precondition(!boxes.isEmpty, "an alert needs at least one box")
    let sorted = boxes.sorted(by: AlertBox.writtenBefore)
    self.init(
      id: id, file: file,
      labels: Array(Set(boxes.map(\.label))).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) },
      bestConfidence: sorted[0].confidence, bestLabel: sorted[0].label, boxes: sorted,
      capturedAt: capturedAt, camera: camera, site: site, latitude: latitude,
      longitude: longitude, altitude: altitude, insideArea: insideArea,
      modelVersion: modelVersion, thresholds: thresholds)
  }
}

/// Stable alert ids.
///
/// The id is the first 16 hex digits (64 bits) of the SHA-256 of the UTF-8 bytes of
///
///     "lookout-alert-v1" NUL modelVersion NUL relativePath NUL fileSize NUL seconds "." nanoseconds
///
/// where NUL is the byte 0, `fileSize` and `seconds` are decimal integers and `nanoseconds` is
/// exactly 9 decimal digits (`"1700000000.000000000"`). In Python:
///
/// ```python
/// msg = "\0".join(["lookout-alert-v1", model, path, str(size), f"{sec}.{nsec:09d}"])
/// hashlib.sha256(msg.encode("utf-8")).hexdigest()[:16]
/// ```
///
/// So re-running the same model over the same card gives the same ids, and a changed file (size
/// or modification time) or model gives new ones. The path is hashed as given: give the same
/// relative path, with forward slashes, that is written in `file`.
public enum AlertID {
  public static func make(
    modelVersion: String, relativePath: String, fileSize: UInt64, modificationSeconds: Int64,
    modificationNanoseconds: Int = 0
  ) -> String {
    var nanos = String(modificationNanoseconds)
    if nanos.count < 9 { nanos = String(repeating: "0", count: 9 - nanos.count) + nanos }
    var hasher = SHA256()
    hasher.update("lookout-alert-v1")
    hasher.update([0])
    hasher.update(modelVersion)
    hasher.update([0])
    hasher.update(relativePath)
    hasher.update([0])
    hasher.update(String(fileSize))
    hasher.update([0])
    hasher.update("\(modificationSeconds).\(nanos)")
    return String(hasher.finalize().hex.prefix(16))
  }
}

/// An alert line that could not be read back.
public struct AlertDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { "alert record: \(message)" }
}

/// alerts.jsonl and alerts.csv encodings (see ALERTS.md).
///
/// Numbers are written as in MegaDetector output: confidences rounded to 3 decimals and box
/// coordinates to 4 with Python's `round()`, all floats printed as Python's `repr(float)`;
/// latitude, longitude and altitude are not rounded. Boxes are written rounded and then sorted
/// (``AlertBox/writtenBefore(_:_:)``), so their order never depends on the caller's. Maps (`thresholds`) are written with their
/// keys in byte order.
public enum AlertEncoding {
  /// The columns a person reads first in alerts.csv: when, where, what, and the file.
  static let readableColumns = [
    "captured_at", "site", "camera", "best_label", "best_confidence", "labels", "file",
    "inside_area", "latitude", "longitude", "altitude",
  ]

  /// The columns that identify the record, after the readable ones.
  static let recordColumns = ["id", "model_version"]

  /// The JSON cells, last in every row: a person rarely reads them.
  static let jsonColumns = ["boxes", "thresholds"]

  /// The CSV columns of per-image alerts, in order: the readable columns first, the JSON
  /// cells (`boxes`, `thresholds`) last.
  public static let csvColumns = readableColumns + recordColumns + jsonColumns

  /// The CSV columns of event alerts, in order: the per-image columns with the event's
  /// (``AlertEvent/csvColumns``) after the readable ones and its list of files last.
  public static let eventCSVColumns =
    readableColumns + AlertEvent.csvColumns + recordColumns + jsonColumns
    + AlertEvent.csvListColumns

  /// The CSV header row, without a line terminator.
  public static let csvHeader = csvColumns.joined(separator: ",")

  /// The CSV header row of event alerts (``eventCSVColumns``), without a line terminator.
  public static let eventCSVHeader = eventCSVColumns.joined(separator: ",")

  /// The record as a JSON object, members in the documented order.
  public static func jsonValue(_ alert: AlertRecord) -> JSONValue {
    .object([
      ("id", .string(alert.id)),
      ("file", .string(alert.file)),
    ] + videoMembers(alert) + [
      ("labels", .array(alert.labels.map { .string($0) })),
      ("best_confidence", .number(PythonFloat.round(alert.bestConfidence, digits: 3))),
      ("best_label", .string(alert.bestLabel)),
      ("boxes", boxesValue(alert.boxes)),
      ("captured_at", .nullable(alert.capturedAt)),
      ("camera", .nullable(alert.camera)),
      ("site", .nullable(alert.site)),
      ("latitude", .nullable(alert.latitude)),
      ("longitude", .nullable(alert.longitude)),
      ("altitude", .nullable(alert.altitude)),
      ("inside_area", .nullable(alert.insideArea)),
      ("model_version", .string(alert.modelVersion)),
      ("thresholds", MegaDetectorOutput.sortedNumberObject(alert.thresholds)),
    ] + (alert.event.map { [("event", $0.jsonValue)] } ?? []))
  }

  /// A clip's `video_frame_number` and `video_offset_seconds` (3 decimals), written right
  /// after `file`; nothing for an image.
  static func videoMembers(_ alert: AlertRecord) -> [(String, JSONValue)] {
    guard let frame = alert.videoFrameNumber, let offset = alert.videoOffsetSeconds else {
      return []
    }
    return [
      ("video_frame_number", .integer(frame)),
      ("video_offset_seconds", .number(PythonFloat.round(offset, digits: 3))),
    ]
  }

  /// The boxes as written: rounded, then sorted (``AlertBox/writtenBefore(_:_:)``).
  static func writtenBoxes(_ boxes: [AlertBox]) -> [AlertBox] {
    boxes.map { box in
      AlertBox(
        label: box.label, confidence: PythonFloat.round(box.confidence, digits: 3),
        bbox: box.bbox.map { PythonFloat.round($0, digits: 4) })
    }.sorted(by: AlertBox.writtenBefore)
  }

  static func boxesValue(_ boxes: [AlertBox]) -> JSONValue {
    .array(
      writtenBoxes(boxes).map { box in
        .object([
          ("label", .string(box.label)),
          ("conf", .number(box.confidence)),
          ("bbox", .array(box.bbox.map { .number($0) })),
        ])
      })
  }

  /// One alerts.jsonl line, without the newline: compact JSON, UTF-8 (Python's
  /// `json.dumps(obj, ensure_ascii=False, separators=(",", ":"))`). It never contains a raw
  /// newline.
  public static func jsonLine(_ alert: AlertRecord) -> String {
    JSONWriter.compact.string(jsonValue(alert))
  }

  /// One alerts.csv row, without the line terminator (see ALERTS.md for the columns). Text
  /// cells are neutralised against formula injection (``spreadsheetText(_:)``); number cells
  /// (`best_confidence`, `latitude`, `longitude`, `altitude`) are written as numbers.
  public static func csvRow(_ alert: AlertRecord) -> String {
    func number(_ x: Double?) -> String { x.map { $0.isFinite ? PythonFloat.repr($0) : "" } ?? "" }
    func text(_ value: String?) -> String { spreadsheetText(value ?? "") }
    var cells: [String: String] = [
      "id": text(alert.id),
      "file": text(alert.file),
      "labels": text(alert.labels.joined(separator: ";")),
      "best_confidence": PythonFloat.rounded(alert.bestConfidence, digits: 3),
      "best_label": text(alert.bestLabel),
      "boxes": text(JSONWriter.compact.string(boxesValue(alert.boxes))),
      "captured_at": text(alert.capturedAt),
      "camera": text(alert.camera),
      "site": text(alert.site),
      "latitude": number(alert.latitude),
      "longitude": number(alert.longitude),
      "altitude": number(alert.altitude),
      "inside_area": text(alert.insideArea),
      "model_version": text(alert.modelVersion),
      "thresholds": text(
        JSONWriter.compact.string(MegaDetectorOutput.sortedNumberObject(alert.thresholds))),
    ]
    var columns = csvColumns
    if let event = alert.event {
      cells["event_id"] = text(event.id)
      cells["event_start"] = text(event.start)
      cells["event_end"] = text(event.end)
      cells["frames"] = String(event.frames)
      cells["files"] = text(event.files.joined(separator: ";"))
      columns = eventCSVColumns
    }
    return columns.map { csvField(cells[$0] ?? "") }.joined(separator: ",")
  }

  /// The first characters that make a spreadsheet read a cell as a formula (or, for tab and
  /// carriage return, hide one), as OWASP's "CSV Injection" page lists them.
  static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

  /// A text cell made safe to open in a spreadsheet: a value starting with `=`, `+`, `-`, `@`,
  /// a tab or a carriage return gets a leading apostrophe (`'=HYPERLINK(...)`), so it is shown
  /// as text and never run; other values are returned as they are. Only for text: a number
  /// such as `-12.5` must stay a number, so number cells are never passed here.
  public static func spreadsheetText(_ value: String) -> String {
    guard let first = value.unicodeScalars.first, formulaStarts.contains(first) else {
      return value
    }
    return "'" + value
  }

  /// A whole alerts.csv: the header and one row per alert, each line ending in CRLF
  /// (RFC 4180).
  public static func csvDocument(_ alerts: [AlertRecord]) -> String {
    var out = csvHeader + "\r\n"
    for alert in alerts { out += csvRow(alert) + "\r\n" }
    return out
  }

  /// A whole alerts.jsonl: one line per alert, each ending in LF.
  public static func jsonLinesDocument(_ alerts: [AlertRecord]) -> String {
    var out = ""
    for alert in alerts { out += jsonLine(alert) + "\n" }
    return out
  }

  /// RFC 4180 quoting: a field containing a comma, a double quote, CR or LF is enclosed in
  /// double quotes with its double quotes doubled; other fields are written as is (Python's
  /// `csv.writer` with the default `QUOTE_MINIMAL` does the same).
  public static func csvField(_ field: String) -> String {
    let needsQuotes = field.utf8.contains {
      $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D
    }
    guard needsQuotes else { return field }
    var out = "\""
    for scalar in field.unicodeScalars {
      if scalar == "\"" { out += "\"\"" } else { out.unicodeScalars.append(scalar) }
    }
    out += "\""
    return out
  }

  /// Reads back one alerts.jsonl line (numbers as written, i.e. rounded).
  public static func decodeJSONLine(_ line: String) throws(AlertDecodeError) -> AlertRecord {
    let value: JSONValue
    do {
      value = try JSONParser.parse(line)
    } catch {
      throw AlertDecodeError(error.description)
    }
    return try decode(value)
  }

  /// Reads back an alert object.
  public static func decode(_ value: JSONValue) throws(AlertDecodeError) -> AlertRecord {
    func string(_ key: String) throws(AlertDecodeError) -> String {
      guard let s = value[key]?.stringValue else {
        throw AlertDecodeError("\(key): expected a string")
      }
      return s
    }
    func optionalString(_ key: String) throws(AlertDecodeError) -> String? {
      guard let v = value[key], !v.isNull else { return nil }
      guard let s = v.stringValue else {
        throw AlertDecodeError("\(key): expected a string or null")
      }
      return s
    }
    func optionalNumber(_ key: String) throws(AlertDecodeError) -> Double? {
      guard let v = value[key], !v.isNull else { return nil }
      guard let d = v.doubleValue else {
        throw AlertDecodeError("\(key): expected a number or null")
      }
      return d
    }
    guard value.objectMembers != nil else { throw AlertDecodeError("not a JSON object") }
    guard let labelValues = value["labels"]?.arrayValue else {
      throw AlertDecodeError("labels: expected an array")
    }
    var labels: [String] = []
    for l in labelValues {
      guard let s = l.stringValue else { throw AlertDecodeError("labels: expected strings") }
      labels.append(s)
    }
    guard let best = value["best_confidence"]?.doubleValue else {
      throw AlertDecodeError("best_confidence: expected a number")
    }
    guard let boxValues = value["boxes"]?.arrayValue else {
      throw AlertDecodeError("boxes: expected an array")
    }
    var boxes: [AlertBox] = []
    for b in boxValues {
      guard let label = b["label"]?.stringValue, let conf = b["conf"]?.doubleValue,
        let bbox = b["bbox"]?.arrayValue?.compactMap(\.doubleValue), bbox.count == 4
      else { throw AlertDecodeError("boxes: expected {label, conf, bbox[4]}") }
      boxes.append(AlertBox(label: label, confidence: conf, bbox: bbox))
    }
    var thresholds: [String: Double] = [:]
    for (k, v) in value["thresholds"]?.objectMembers ?? [] {
      guard let t = v.doubleValue else {
        throw AlertDecodeError("thresholds.\(k): expected a number")
      }
      thresholds[k] = t
    }
    var record = AlertRecord(
      id: try string("id"), file: try string("file"), labels: labels, bestConfidence: best,
      bestLabel: try string("best_label"), boxes: boxes,
      capturedAt: try optionalString("captured_at"),
      camera: try optionalString("camera"), site: try optionalString("site"),
      latitude: try optionalNumber("latitude"), longitude: try optionalNumber("longitude"),
      altitude: try optionalNumber("altitude"), insideArea: try optionalString("inside_area"),
      modelVersion: try string("model_version"), thresholds: thresholds)
    if let event = value["event"], !event.isNull {
      guard let parsed = AlertEvent(jsonValue: event) else {
        throw AlertDecodeError("event: expected {id, start, end, frames, files}")
      }
      record.event = parsed
    }
    record.videoFrameNumber = value["video_frame_number"]?.intValue
    record.videoOffsetSeconds = value["video_offset_seconds"]?.doubleValue
    return record
  }
}
