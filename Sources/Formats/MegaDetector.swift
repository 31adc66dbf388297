// MegaDetector batch output (format 1.6): model types, writer and reader.
//
// Format reference: https://lila.science/megadetector-output-format

import LookoutCore

/// One detection in one image, in MegaDetector's terms.
public struct DetectionRecord: Sendable, Equatable, Hashable, Codable {
  /// The MegaDetector category id: 1 animal, 2 person, 3 vehicle (see
  /// ``LookoutCore/DetectionClass``).
  public var category: Int
  /// Confidence in 0...1. Written rounded to 3 decimals.
  public var confidence: Double
  /// `[x, y, width, height]`, relative to the image size (0...1), origin at the top left.
  /// Written rounded to 4 decimals.
  public var bbox: [Double]
  /// Static scenery (``LookoutCore/StaticRule``): written as `"static": true` after `bbox` (and
  /// `frame_number`), a member MegaDetector readers ignore; absent (false) for every other
  /// detection.
  public var isStatic = false
  /// For a video: the frame the detection was found in, counted from 0 at the clip's frame
  /// rate (MegaDetector's `frame_number`). nil for an image.
  public var frameNumber: Int?

  public init(
    category: Int, confidence: Double, bbox: [Double], isStatic: Bool = false,
    frameNumber: Int? = nil
  ) {
    self.category = category
    self.confidence = confidence
    self.bbox = bbox
    self.isStatic = isStatic
    self.frameNumber = frameNumber
  }

  enum CodingKeys: String, CodingKey {
    case category, confidence, bbox, frameNumber
  }

  public init(_ detectionClass: DetectionClass, confidence: Double, bbox: [Double]) {
    self.init(category: detectionClass.megaDetectorCategory, confidence: confidence, bbox: bbox)
  }

  /// The class, when the category is one of the three MegaDetector classes.
  public var detectionClass: DetectionClass? { DetectionClass(megaDetectorCategory: category) }

  /// The order detections are written in: confidence descending, then category ascending, then
  /// the box coordinates ascending (x, y, w, h). Total and deterministic.
  public static func writtenBefore(_ a: DetectionRecord, _ b: DetectionRecord) -> Bool {
    if a.confidence != b.confidence { return a.confidence > b.confidence }
    if a.category != b.category { return a.category < b.category }
    for (x, y) in zip(a.bbox, b.bbox) where x != y { return x < y }
    return a.bbox.count < b.bbox.count
  }
}

/// One image's result: its detections, or why it could not be processed.
public struct ImageRecord: Sendable, Equatable {
  /// Path relative to the card's root, with forward slashes.
  public var file: String
  /// The detections (possibly empty) for a processed image; nil for a failed one.
  public var detections: [DetectionRecord]?
  /// Why the image could not be processed; nil when it was.
  public var failure: String?
  /// Image width in pixels, when known.
  public var width: Int?
  /// Image height in pixels, when known.
  public var height: Int?
  /// Capture time as MegaDetector writes it (EXIF `DateTimeOriginal`, `"YYYY:MM:DD HH:MM:SS"`),
  /// when known.
  public var datetime: String?
  /// The event the image belongs to (Lookout's extra member `event`), when grouped.
  public var event: ImageEvent?
  /// For a video: its frame rate (MegaDetector's `frame_rate`) and the frame numbers that were
  /// run through the detector (`frames_processed`). nil for an image.
  public var frameRate: Double?
  public var framesProcessed: [Int]?

  public init(
    file: String, detections: [DetectionRecord]?, failure: String? = nil, width: Int? = nil,
    height: Int? = nil, datetime: String? = nil
  ) {
    self.file = file
    self.detections = detections
    self.failure = failure
    self.width = width
    self.height = height
    self.datetime = datetime
  }

  /// A failed image: `{"file": …, "failure": reason, "detections": null}`.
  public static func failed(file: String, reason: String) -> ImageRecord {
    ImageRecord(file: file, detections: nil, failure: reason)
  }

  /// The order images are written in: by `file`, comparing UTF-8 bytes (the same as comparing
  /// Unicode scalar values, and as Python's `sorted` on `str`). No Unicode normalization or
  /// locale is involved, so `"B.jpg" < "a.jpg"` and `"z.jpg" < "é.jpg"`.
  public static func writtenBefore(_ a: ImageRecord, _ b: ImageRecord) -> Bool {
    a.file.utf8.lexicographicallyPrecedes(b.file.utf8)
  }
}

/// The per-class confidence thresholds and model details Lookout records in `info.lookout`.
public struct LookoutRunInfo: Sendable, Equatable {
  /// The model's version (as in alert records and summary.json).
  public var modelVersion: String
  /// Network input size in pixels (the long side), when known.
  public var inputSize: Int?
  /// Class name → confidence threshold, e.g. `["person": 0.5, "vehicle": 0.6]`. Written with
  /// the keys in byte order.
  public var classThresholds: [String: Double]
  /// The gap in seconds that cut the images into events (`event_gap_seconds`), when they were.
  public var eventGapSeconds: Int?
  /// Whether alerts were written one per image (`per_image_alerts`: true) instead of one per
  /// event.
  public var perImageAlerts = false
  /// The static rule the detections were marked with: written only when it is not
  /// ``LookoutCore/StaticRule/standard``, as `"keep_static": true` when off, else as
  /// `"static_rule": {"min_images", "min_events", "iou"}`.
  public var staticRule = StaticRule.standard

  public init(
    modelVersion: String, inputSize: Int? = nil, classThresholds: [String: Double] = [:],
    eventGapSeconds: Int? = nil
  ) {
    self.modelVersion = modelVersion
    self.inputSize = inputSize
    self.classThresholds = classThresholds
    self.eventGapSeconds = eventGapSeconds
  }
}

/// The `info` block of a MegaDetector results file. Every field is optional on reading.
public struct RunInfo: Sendable, Equatable {
  /// `info.detector`, e.g. `"lookout-det v0.1.0"`.
  public var detector: String?
  /// `info.detection_completion_time`; Lookout writes ISO 8601 (see ``Timestamp``).
  public var detectionCompletionTime: String?
  /// `info.detector_metadata.megadetector_version`: the detector's version string.
  public var detectorVersion: String?
  /// `info.detector_metadata.typical_detection_threshold`.
  public var typicalDetectionThreshold: Double?
  /// `info.detector_metadata.conservative_detection_threshold`.
  public var conservativeDetectionThreshold: Double?
  /// Other `info.detector_metadata` members (e.g. `image_size`), kept in order and written after
  /// the three above.
  public var detectorMetadataExtra: [(String, JSONValue)]
  /// `info.lookout`: Lookout's own extension (MegaDetector tools ignore unknown `info` keys).
  public var lookout: LookoutRunInfo?
  /// Any other `info` members, kept in order (e.g. `classifier`, `summary_report` from other
  /// tools). Written after the known members; a member named like one already written is
  /// skipped.
  public var extra: [(String, JSONValue)]

  public init(
    detector: String? = nil, detectionCompletionTime: String? = nil, detectorVersion: String? = nil,
    typicalDetectionThreshold: Double? = nil, conservativeDetectionThreshold: Double? = nil,
    detectorMetadataExtra: [(String, JSONValue)] = [], lookout: LookoutRunInfo? = nil,
    extra: [(String, JSONValue)] = []
  ) {
    self.detector = detector
    self.detectionCompletionTime = detectionCompletionTime
    self.detectorVersion = detectorVersion
    self.typicalDetectionThreshold = typicalDetectionThreshold
    self.conservativeDetectionThreshold = conservativeDetectionThreshold
    self.detectorMetadataExtra = detectorMetadataExtra
    self.lookout = lookout
    self.extra = extra
  }

  public static func == (a: RunInfo, b: RunInfo) -> Bool {
    a.detector == b.detector && a.detectionCompletionTime == b.detectionCompletionTime
      && a.detectorVersion == b.detectorVersion
      && a.typicalDetectionThreshold == b.typicalDetectionThreshold
      && a.conservativeDetectionThreshold == b.conservativeDetectionThreshold
      && JSONValue.object(a.detectorMetadataExtra) == JSONValue.object(b.detectorMetadataExtra)
      && a.lookout == b.lookout && JSONValue.object(a.extra) == JSONValue.object(b.extra)
  }
}

/// A MegaDetector results file as read back.
public struct MegaDetectorResults: Sendable, Equatable {
  /// `info.format_version` as written (`"1.0"` … `"1.6"`), nil when absent.
  public var formatVersion: String?
  public var info: RunInfo
  /// `detection_categories`: category id → name.
  public var detectionCategories: [Int: String]
  /// The images in file order.
  public var images: [ImageRecord]
  /// Other top-level members (e.g. `classification_categories`), in order.
  public var extra: [(String, JSONValue)]

  public init(
    formatVersion: String?, info: RunInfo, detectionCategories: [Int: String],
    images: [ImageRecord], extra: [(String, JSONValue)] = []
  ) {
    self.formatVersion = formatVersion
    self.info = info
    self.detectionCategories = detectionCategories
    self.images = images
    self.extra = extra
  }

  public static func == (a: MegaDetectorResults, b: MegaDetectorResults) -> Bool {
    a.formatVersion == b.formatVersion && a.info == b.info
      && a.detectionCategories == b.detectionCategories && a.images == b.images
      && JSONValue.object(a.extra) == JSONValue.object(b.extra)
  }
}

/// A MegaDetector results file that could not be read.
public struct MegaDetectorDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Where in the document, e.g. `images[3].detections[0].bbox`.
  public var path: String
  public var message: String

  public init(path: String, message: String) {
    self.path = path
    self.message = message
  }

  public var description: String {
    path.isEmpty ? "MegaDetector results: \(message)" : "MegaDetector results: \(path): \(message)"
  }
}

/// Writes and reads MegaDetector batch output files.
///
/// ## Writing (format 1.6)
///
/// ``encode(images:info:)`` writes exactly what MegaDetector's Python writer
/// (`json.dump(results, f, indent=1)`) would print for the same data, so a Lookout file is
/// byte-identical to one written by the Python tools:
///
/// - top level: `info`, `detection_categories` (`{"1": "animal", "2": "person", "3": "vehicle"}`),
///   `images`, in that order;
/// - `info`: `format_version` (`"1.6"`), `detector`, `detection_completion_time`,
///   `detector_metadata` {`megadetector_version`, `typical_detection_threshold`,
///   `conservative_detection_threshold`}, then the Lookout extension `lookout`
///   {`model_version`, `input_size`, `class_thresholds`, [`event_gap_seconds`]}, then any ``RunInfo/extra`` members.
///   Absent (nil) fields are left out; `detector_metadata` and `lookout` only appear when they
///   have something in them;
/// - `images` sorted by `file` byte-wise (``ImageRecord/writtenBefore(_:_:)``);
///   each processed image is `{"file", "detections", ["width", "height"], ["datetime"], ["event"]}`
///   (`event` is Lookout's, see ``ImageEvent``); a
///   failed one is `{"file", "failure", "detections": null, …}`; a video clip also has
///   `frame_rate` and `frames_processed` right after `file`, as MegaDetector's video tools write;
/// - each detection is `{"category": "2", "conf": 0.912, "bbox": [x, y, w, h]}` (a clip's also
///   has `frame_number`, the frame it was found in), `conf` rounded
///   to 3 decimals and the box to 4, with Python's `round()` (correctly rounded from the exact
///   binary value, exact ties to even; see ``PythonFloat``) and printed as Python prints floats
///   (`0.5`, `1.0`, `0.123`). Detections are sorted after rounding
///   (``DetectionRecord/writtenBefore(_:_:)``);
/// - one space of indentation per level, `","` after items and `": "` after keys, non-ASCII
///   characters as `\uXXXX` (surrogate pairs beyond the BMP), no trailing newline
///   (``JSONWriter/megaDetector``).
///
/// ## Reading (formats 1.0 to 1.6)
///
/// ``decode(_:)`` accepts any 1.x file: every `info` member is optional, `detection_categories`
/// defaults to animal/person/vehicle when absent, `detections` may be null or missing, `failure`
/// may be null or missing, category ids may be strings or numbers, numbers may be integers,
/// and unknown keys are ignored (per-image and per-detection extras such as
/// `classifications` or `max_detection_conf` are dropped, videos' `frame_rate`,
/// `frames_processed` and `frame_number` are kept; unknown `info` and
/// top-level members are kept in `extra`). Images keep the file's order.
public enum MegaDetectorOutput {
  /// The format version Lookout writes.
  public static let formatVersion = "1.6"

  /// Decimals kept for confidences.
  public static let confidenceDigits = 3
  /// Decimals kept for box coordinates.
  public static let coordinateDigits = 4

  /// The detection categories Lookout writes, in order.
  public static let detectionCategories: [(id: Int, name: String)] =
    DetectionClass.allCases.map { ($0.megaDetectorCategory, $0.name) }

  /// The file's bytes: exactly `JSONWriter.megaDetector.bytes(document(images:info:))`, written
  /// one image at a time through ``MegaDetectorStreamEncoder`` so that the whole document never
  /// exists as a `JSONValue` tree. Writers of large cards stream the encoder's pieces to a file
  /// instead of calling this.
  public static func encode(images: [ImageRecord], info: RunInfo) -> [UInt8] {
    var encoder = MegaDetectorStreamEncoder()
    var out = encoder.header(info: info)
    for index in writtenOrder(images) {
      out += encoder.image(images[index])
    }
    out += encoder.footer()
    return out
  }

  /// Indices of `images` in the order they are written (stable for equal keys).
  static func writtenOrder(_ images: [ImageRecord]) -> [Int] {
    images.indices.sorted { a, b in
      if ImageRecord.writtenBefore(images[a], images[b]) { return true }
      if ImageRecord.writtenBefore(images[b], images[a]) { return false }
      return a < b
    }
  }

  /// One image as written: confidences and boxes rounded, detections sorted.
  static func normalized(_ image: ImageRecord) -> ImageRecord {
    var image = image
    image.detections = image.detections.map { detections in
      detections.map { d in
        DetectionRecord(
          category: d.category,
          confidence: PythonFloat.round(d.confidence, digits: confidenceDigits),
          bbox: d.bbox.map { PythonFloat.round($0, digits: coordinateDigits) },
          isStatic: d.isStatic, frameNumber: d.frameNumber)
      }.sorted(by: DetectionRecord.writtenBefore)
    }
    return image
  }

  /// The images as they are written: sorted by file, confidences and boxes rounded, detections
  /// sorted. `decode(encode(images: x, info: i)).images == normalized(x)`.
  public static func normalized(_ images: [ImageRecord]) -> [ImageRecord] {
    writtenOrder(images).map { normalized(images[$0]) }
  }

  /// The whole document as a ``JSONValue`` (what ``encode(images:info:)`` writes).
  public static func document(images: [ImageRecord], info: RunInfo) -> JSONValue {
    .object([
      ("info", infoValue(info)),
      (
        "detection_categories",
        .object(detectionCategories.map { (String($0.id), .string($0.name)) })
      ),
      ("images", .array(normalized(images).map(imageValue))),
    ])
  }

  static func infoValue(_ info: RunInfo) -> JSONValue {
    var members: [(String, JSONValue)] = [("format_version", .string(formatVersion))]
    if let d = info.detector { members.append(("detector", .string(d))) }
    if let t = info.detectionCompletionTime {
      members.append(("detection_completion_time", .string(t)))
    }
    var metadata: [(String, JSONValue)] = []
    if let v = info.detectorVersion { metadata.append(("megadetector_version", .string(v))) }
    if let t = info.typicalDetectionThreshold {
      metadata.append(("typical_detection_threshold", .number(t)))
    }
    if let t = info.conservativeDetectionThreshold {
      metadata.append(("conservative_detection_threshold", .number(t)))
    }
    for (key, value) in info.detectorMetadataExtra where !metadata.contains(where: { $0.0 == key })
    {
      metadata.append((key, value))
    }
    if !metadata.isEmpty { members.append(("detector_metadata", .object(metadata))) }
    if let lookout = info.lookout {
      var l: [(String, JSONValue)] = [("model_version", .string(lookout.modelVersion))]
      if let size = lookout.inputSize { l.append(("input_size", .integer(size))) }
      l.append(("class_thresholds", sortedNumberObject(lookout.classThresholds)))
      if let gap = lookout.eventGapSeconds { l.append(("event_gap_seconds", .integer(gap))) }
      if lookout.perImageAlerts { l.append(("per_image_alerts", .bool(true))) }
      let rule = lookout.staticRule
      if !rule.isEnabled {
        l.append(("keep_static", .bool(true)))
      } else if rule != .standard {
        l.append(
          (
            "static_rule",
            .object([
              ("min_images", .integer(rule.minImages)), ("min_events", .integer(rule.minEvents)),
              ("iou", .number(rule.minIoU)),
            ])
          ))
      }
      members.append(("lookout", .object(l)))
    }
    for (key, value) in info.extra where !members.contains(where: { $0.0 == key }) {
      members.append((key, value))
    }
    return .object(members)
  }

  static func imageValue(_ image: ImageRecord) -> JSONValue {
    var members: [(String, JSONValue)] = [("file", .string(image.file))]
    if let rate = image.frameRate { members.append(("frame_rate", .number(rate))) }
    if let frames = image.framesProcessed {
      members.append(("frames_processed", .array(frames.map { .integer($0) })))
    }
    if let failure = image.failure {
      members.append(("failure", .string(failure)))
      members.append(("detections", image.detections.map(detectionsValue) ?? .null))
    } else {
      members.append(("detections", image.detections.map(detectionsValue) ?? .null))
    }
    if let w = image.width { members.append(("width", .integer(w))) }
    if let h = image.height { members.append(("height", .integer(h))) }
    if let t = image.datetime { members.append(("datetime", .string(t))) }
    if let e = image.event { members.append(("event", e.jsonValue)) }
    return .object(members)
  }

  /// Detections already rounded and sorted.
  static func detectionsValue(_ detections: [DetectionRecord]) -> JSONValue {
    .array(
      detections.map { d in
        var members: [(String, JSONValue)] = [
          ("category", .string(String(d.category))),
          ("conf", .number(d.confidence)),
          ("bbox", .array(d.bbox.map { .number($0) })),
        ]
        if let frame = d.frameNumber { members.append(("frame_number", .integer(frame))) }
        if d.isStatic { members.append(("static", .bool(true))) }
        return .object(members)
      })
  }

  static func sortedNumberObject(_ map: [String: Double]) -> JSONValue {
    .object(
      map.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map {
        ($0.key, .number($0.value))
      })
  }

  // MARK: Reading

  /// Reads a MegaDetector 1.x results file (see the type's documentation for what is accepted).
  public static func decode(_ data: [UInt8]) throws(MegaDetectorDecodeError) -> MegaDetectorResults
  {
    let root: JSONValue
    do {
      root = try JSONParser.parse(data)
    } catch {
      throw MegaDetectorDecodeError(path: "", message: error.description)
    }
    return try decode(root)
  }

  /// Reads an already parsed MegaDetector 1.x document.
  public static func decode(_ root: JSONValue) throws(MegaDetectorDecodeError)
    -> MegaDetectorResults
  {
    guard let top = root.objectMembers else {
      throw MegaDetectorDecodeError(path: "", message: "the document is not a JSON object")
    }
    let (formatVersion, info) = try decodeInfo(root["info"])

    var categories: [Int: String] = [:]
    if let c = root["detection_categories"], !c.isNull {
      guard let members = c.objectMembers else {
        throw MegaDetectorDecodeError(path: "detection_categories", message: "not an object")
      }
      for (key, value) in members {
        guard let id = Int(key), let name = value.stringValue else {
          throw MegaDetectorDecodeError(
            path: "detection_categories.\(key)", message: "expected an integer id and a name")
        }
        categories[id] = name
      }
    } else {
      for c in detectionCategories { categories[c.id] = c.name }
    }

    guard let imagesValue = root["images"] else {
      throw MegaDetectorDecodeError(path: "images", message: "missing")
    }
    guard let imageValues = imagesValue.arrayValue else {
      throw MegaDetectorDecodeError(path: "images", message: "not an array")
    }
    var images: [ImageRecord] = []
    images.reserveCapacity(imageValues.count)
    for (i, value) in imageValues.enumerated() {
      images.append(try decodeImage(value, path: "images[\(i)]"))
    }

    let extra = top.filter { !["info", "detection_categories", "images"].contains($0.0) }
    return MegaDetectorResults(
      formatVersion: formatVersion, info: info, detectionCategories: categories, images: images,
      extra: extra)
  }

  /// The `info` member of a results document (absent or null: an empty ``RunInfo``), and the
  /// format version it states.
  static func decodeInfo(_ infoValue: JSONValue?) throws(MegaDetectorDecodeError)
    -> (formatVersion: String?, info: RunInfo)
  {
    var formatVersion: String?
    var info = RunInfo()
    if let infoValue, !infoValue.isNull {
      guard let infoMembers = infoValue.objectMembers else {
        throw MegaDetectorDecodeError(path: "info", message: "not an object")
      }
      for (key, value) in infoMembers {
        switch key {
        case "format_version":
          // A string in every version, but tolerate a bare number (1.3 → "1.3").
          formatVersion = value.stringValue ?? value.doubleValue.map(PythonFloat.repr)
        case "detector": info.detector = value.stringValue
        case "detection_completion_time": info.detectionCompletionTime = value.stringValue
        case "detector_metadata" where value.objectMembers != nil:
          let known = [
            "megadetector_version", "typical_detection_threshold",
            "conservative_detection_threshold",
          ]
          info.detectorMetadataExtra = value.objectMembers!.filter { !known.contains($0.0) }
          info.detectorVersion = value["megadetector_version"]?.stringValue
          info.typicalDetectionThreshold = value["typical_detection_threshold"]?.doubleValue
          info.conservativeDetectionThreshold =
            value["conservative_detection_threshold"]?.doubleValue
        case "lookout" where value["model_version"]?.stringValue != nil:
          var thresholds: [String: Double] = [:]
          for (name, t) in value["class_thresholds"]?.objectMembers ?? [] {
            if let t = t.doubleValue { thresholds[name] = t }
          }
          info.lookout = LookoutRunInfo(
            modelVersion: value["model_version"]!.stringValue!,
            inputSize: value["input_size"]?.intValue, classThresholds: thresholds,
            eventGapSeconds: value["event_gap_seconds"]?.intValue)
          info.lookout?.perImageAlerts = value["per_image_alerts"]?.boolValue ?? false
          if value["keep_static"]?.boolValue == true {
            info.lookout?.staticRule = .off
          } else if let rule = value["static_rule"], let k = rule["min_images"]?.intValue,
            let m = rule["min_events"]?.intValue, let iou = rule["iou"]?.doubleValue
          {
            info.lookout?.staticRule = StaticRule(minImages: k, minEvents: m, minIoU: iou)
          }
        default: info.extra.append((key, value))
        }
      }
    }
    return (formatVersion, info)
  }

  static func decodeImage(_ value: JSONValue, path: String) throws(MegaDetectorDecodeError)
    -> ImageRecord
  {
    guard value.objectMembers != nil else {
      throw MegaDetectorDecodeError(path: path, message: "not an object")
    }
    guard let file = value["file"]?.stringValue else {
      throw MegaDetectorDecodeError(path: path + ".file", message: "missing or not a string")
    }
    var record = ImageRecord(file: file, detections: nil)
    if let failure = value["failure"], !failure.isNull {
      // Always a string in practice; keep whatever other scalar was written as text.
      record.failure = failure.stringValue ?? JSONWriter.compact.string(failure)
    }
    if let detections = value["detections"], !detections.isNull {
      guard let list = detections.arrayValue else {
        throw MegaDetectorDecodeError(path: path + ".detections", message: "not an array")
      }
      var out: [DetectionRecord] = []
      out.reserveCapacity(list.count)
      for (j, d) in list.enumerated() {
        out.append(try decodeDetection(d, path: "\(path).detections[\(j)]"))
      }
      record.detections = out
    }
    record.width = value["width"]?.intValue
    record.height = value["height"]?.intValue
    record.datetime = value["datetime"]?.stringValue
    record.event = value["event"].flatMap(ImageEvent.init(jsonValue:))
    record.frameRate = value["frame_rate"]?.doubleValue
    record.framesProcessed = value["frames_processed"]?.arrayValue?.compactMap(\.intValue)
    return record
  }

  static func decodeDetection(_ value: JSONValue, path: String) throws(MegaDetectorDecodeError)
    -> DetectionRecord
  {
    guard value.objectMembers != nil else {
      throw MegaDetectorDecodeError(path: path, message: "not an object")
    }
    let category: Int?
    switch value["category"] {
    case .string(let s)?: category = Int(s)
    case let v?: category = v.intValue
    case nil: category = nil
    }
    guard let category else {
      throw MegaDetectorDecodeError(
        path: path + ".category", message: "missing or not an integer id")
    }
    guard let conf = value["conf"]?.doubleValue else {
      throw MegaDetectorDecodeError(path: path + ".conf", message: "missing or not a number")
    }
    // NaN and Infinity (which the parser accepts as Python writes them, as it does literals
    // beyond Double's range) are not confidences or coordinates, and would be written as null.
    guard conf.isFinite else {
      throw MegaDetectorDecodeError(path: path + ".conf", message: "not a finite number")
    }
    guard let boxValues = value["bbox"]?.arrayValue, boxValues.count == 4 else {
      throw MegaDetectorDecodeError(path: path + ".bbox", message: "expected 4 numbers")
    }
    var bbox: [Double] = []
    for (k, v) in boxValues.enumerated() {
      guard let x = v.doubleValue else {
        throw MegaDetectorDecodeError(path: "\(path).bbox[\(k)]", message: "not a number")
      }
      guard x.isFinite else {
        throw MegaDetectorDecodeError(path: "\(path).bbox[\(k)]", message: "not a finite number")
      }
      bbox.append(x)
    }
    return DetectionRecord(
      category: category, confidence: conf, bbox: bbox,
      isStatic: value["static"]?.boolValue ?? false,
      frameNumber: value["frame_number"]?.intValue)
  }
}
