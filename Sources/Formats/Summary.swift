import LookoutCore

/// summary.json: what a run did, in numbers.
///
/// Written by ``encode()`` as two-space indented JSON (UTF-8, Python's
/// `json.dumps(obj, indent=2, ensure_ascii=False)` plus a final newline), members in this order:
///
/// ```json
/// {
///   "images": 120,
///   "images_ok": 118,
///   "failures": {"total": 2, "by_reason": {"decode_error": 1, "truncated": 1}},
///   "detection_threshold": 0.2,
///   "detections": {"animal": 40, "person": 3, "vehicle": 1},
///   "alerts": {"total": 3, "by_class": {"person": 3, "vehicle": 1}},
///   "seconds": 61.204,
///   "images_per_second": 1.961,
///   "model_version": "lookout-det-0.1.0",
///   "thresholds": {"person": 0.5, "vehicle": 0.6},
///   "started_at": "2026-11-25T17:18:02Z",
///   "finished_at": "2026-11-25T17:19:03Z"
/// }
/// ```
///
/// (shown compacted; the file has one member or element per line). When the scan found paths it
/// could not scan at all (a folder it could not enter, a name it could not examine), a
/// `"not_scanned": [{"path": …, "reason": …}]` member follows `failures`; it is absent otherwise.
/// When the card held files that are not images (RAW photos, thumbnails, videos, text...), a
/// `"skipped": {"total": 3, "by_kind": {"raw_photo": 1, "video": 2}, "files": [{"path": …,
/// "kind": "video"}, …]}` member follows (files in path order); it is absent otherwise. Maps are
/// written with keys in byte order; `detections` always lists animal, person and vehicle. A
/// scan also writes `"detections_at_thresholds": {"animal": 12, "person": 1, "vehicle": 0}`
/// after `detections`: the detections at or above the alert threshold in force for their image
/// (its site's), which is what a person means by "found"; `detections` counts everything down
/// to the `detection_threshold` floor that detections.json keeps.
/// When the static rule (``LookoutCore/StaticRule``) held detections back, a
/// `"held_back_as_static": {"detections": 80, "alerts": 40, "by_camera": {"site-a/cam1":
/// {"detections": 80, "alerts": 40}}}` member follows `alerts` (absent when none were): the
/// static detections, and the alerts (events, or images with per-image alerts) that would
/// have been raised without the rule, per camera key (as in event ids).
/// `images` counts every record of detections.json, video clips included; when the card held
/// clips, a `"clips": 1` member after `images_ok` says how many of them are clips (absent
/// otherwise).
/// `seconds` and `images_per_second` are rounded to 3 decimals with Python's `round()`.
public struct RunSummary: Sendable, Equatable {
  /// Images seen.
  public var images: Int
  /// Images processed without failure.
  public var imagesOK: Int
  /// How many of ``images`` are video clips.
  public var clips = 0
  /// Failed images.
  public var failures: Int
  /// Failure reason → count.
  public var failuresByReason: [String: Int]
  /// The confidence at or above which detections are counted in ``detectionsByClass``.
  public var detectionThreshold: Double
  /// Class name → detections at or above ``detectionThreshold``.
  public var detectionsByClass: [String: Int]
  /// Class name → detections at or above the alert threshold of their image's site; nil where
  /// the writer did not count them (absent from the file).
  public var detectionsAtThresholds: [String: Int]?
  /// Alerts raised.
  public var alerts: Int
  /// Class name → alerts with a box of that class (an alert with a person and a vehicle counts
  /// for both).
  public var alertsByClass: [String: Int]
  /// Wall-clock duration of the run.
  public var seconds: Double
  public var modelVersion: String
  /// Class name → alert threshold.
  public var thresholds: [String: Double]
  /// ISO 8601 start and end times.
  public var startedAt: String
  public var finishedAt: String
  /// Paths found but not scanned (not images: folders, unexaminable names), in path order.
  public var notScanned: [NotScanned] = []
  /// Files on the card that are not images the scan reads, in path order.
  public var skipped: [Skipped] = []
  /// What the static rule held back; nil (absent) when it held back nothing.
  public var heldBackAsStatic: HeldBackAsStatic?

  /// Detections and alerts held back as static scenery, in all and per camera.
  public struct HeldBackAsStatic: Sendable, Equatable {
    /// Camera key → (static detections, alerts not raised because of them).
    public var byCamera: [String: (detections: Int, alerts: Int)] = [:]

    public init() {}

    public var detections: Int { byCamera.values.reduce(0) { $0 + $1.detections } }
    public var alerts: Int { byCamera.values.reduce(0) { $0 + $1.alerts } }

    public mutating func add(camera: String, detections: Int = 0, alerts: Int = 0) {
      let old = byCamera[camera] ?? (0, 0)
      byCamera[camera] = (old.detections + detections, old.alerts + alerts)
    }

    /// The cameras in byte order.
    public var cameras: [(camera: String, detections: Int, alerts: Int)] {
      byCamera.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map {
        ($0.key, $0.value.detections, $0.value.alerts)
      }
    }

    public static func == (a: Self, b: Self) -> Bool {
      a.cameras.elementsEqual(b.cameras) { $0 == $1 }
    }

    var jsonValue: JSONValue {
      .object([
        ("detections", .integer(detections)), ("alerts", .integer(alerts)),
        (
          "by_camera",
          .object(
            cameras.map {
              (
                $0.camera,
                .object([("detections", .integer($0.detections)), ("alerts", .integer($0.alerts))])
              )
            })
        ),
      ])
    }

    /// Reads the member back; nil when it is not one.
    public init?(jsonValue value: JSONValue) {
      guard let cameras = value["by_camera"]?.objectMembers else { return nil }
      for (camera, counts) in cameras {
        add(
          camera: camera, detections: counts["detections"]?.intValue ?? 0,
          alerts: counts["alerts"]?.intValue ?? 0)
      }
    }
  }

  /// A file that is not scanned, and its kind (`raw_photo`, `thumbnail`, `video`, `audio`,
  /// `text`, `other_image`, `other`).
  public struct Skipped: Sendable, Equatable {
    public var path: String
    public var kind: String

    public init(path: String, kind: String) {
      self.path = path
      self.kind = kind
    }
  }

  /// A path the scan could not look into, and why.
  public struct NotScanned: Sendable, Equatable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
      self.path = path
      self.reason = reason
    }
  }

  public init(
    images: Int, imagesOK: Int, failures: Int, failuresByReason: [String: Int],
    detectionThreshold: Double, detectionsByClass: [String: Int], alerts: Int,
    alertsByClass: [String: Int], seconds: Double, modelVersion: String,
    thresholds: [String: Double], startedAt: String, finishedAt: String
  ) {
    self.images = images
    self.imagesOK = imagesOK
    self.failures = failures
    self.failuresByReason = failuresByReason
    self.detectionThreshold = detectionThreshold
    self.detectionsByClass = detectionsByClass
    self.alerts = alerts
    self.alertsByClass = alertsByClass
    self.seconds = seconds
    self.modelVersion = modelVersion
    self.thresholds = thresholds
    self.startedAt = startedAt
    self.finishedAt = finishedAt
  }

  /// Counts everything from the run's image and alert records. An image is a failure when it
  /// has a `failure` reason (counted under that reason) or no detections list (counted under
  /// `"unknown"`). Detections are counted when `confidence >= detectionThreshold`, under their
  /// class name (``LookoutCore/DetectionClass/name(forCategory:)``). Every class in
  /// `thresholds` appears in `alertsByClass`, with 0 if it raised no alert.
  public init(
    tallying images: [ImageRecord], alerts: [AlertRecord], detectionThreshold: Double,
    seconds: Double, modelVersion: String, thresholds: [String: Double], startedAt: String,
    finishedAt: String
  ) {
    var tally = Tally(detectionThreshold: detectionThreshold, alertClasses: thresholds.keys)
    for image in images { tally.add(image) }
    for alert in alerts { tally.add(alert) }
    self.init(
      tally: tally, seconds: seconds, modelVersion: modelVersion, thresholds: thresholds,
      startedAt: startedAt, finishedAt: finishedAt)
  }

  /// The summary of everything a ``Tally`` counted.
  public init(
    tally: Tally, seconds: Double, modelVersion: String, thresholds: [String: Double],
    startedAt: String, finishedAt: String
  ) {
    self.init(
      images: tally.images, imagesOK: tally.imagesOK, failures: tally.images - tally.imagesOK,
      failuresByReason: tally.failuresByReason, detectionThreshold: tally.detectionThreshold,
      detectionsByClass: tally.detectionsByClass, alerts: tally.alerts,
      alertsByClass: tally.alertsByClass, seconds: seconds, modelVersion: modelVersion,
      thresholds: thresholds, startedAt: startedAt, finishedAt: finishedAt)
    detectionsAtThresholds = tally.detectionsAtThresholds
    clips = tally.clips
  }

  /// The counts of a summary, added up one image and one alert at a time, so a writer that
  /// streams a large card never needs all its records at once. The rules are those of
  /// ``init(tallying:alerts:detectionThreshold:seconds:modelVersion:thresholds:startedAt:finishedAt:)``.
  public struct Tally: Sendable, Equatable {
    public private(set) var images = 0
    public private(set) var imagesOK = 0
    /// Records that are video clips, failed or not.
    public private(set) var clips = 0
    public private(set) var failuresByReason: [String: Int] = [:]
    public let detectionThreshold: Double
    public private(set) var detectionsByClass: [String: Int] = [:]
    /// Detections at their image's alert thresholds (``countAtThreshold(_:)``); nil unless the
    /// tally was made with `countsAtThresholds`.
    public private(set) var detectionsAtThresholds: [String: Int]?
    public private(set) var alerts = 0
    public private(set) var alertsByClass: [String: Int] = [:]
    /// Whether failures are counted under their reason's code (``failureCode(_:)``) rather than
    /// the whole reason.
    public let countsFailuresByCode: Bool

    /// Every class in `alertClasses` appears in ``alertsByClass``, with 0 if it raised no alert.
    /// With `failuresByCode`, a failure is counted under its reason's code (`truncated` for
    /// `truncated: premature end of data`), for writers whose reasons are `code: detail`.
    /// With `countsAtThresholds`, ``detectionsAtThresholds`` lists every class (0 where none
    /// was counted with ``countAtThreshold(_:)``).
    public init(
      detectionThreshold: Double, alertClasses: some Sequence<String>, failuresByCode: Bool = false,
      countsAtThresholds: Bool = false
    ) {
      self.detectionThreshold = detectionThreshold
      countsFailuresByCode = failuresByCode
      for c in DetectionClass.allCases { detectionsByClass[c.name] = 0 }
      for name in alertClasses { alertsByClass[name] = 0 }
      if countsAtThresholds {
        detectionsAtThresholds = Dictionary(
          uniqueKeysWithValues: DetectionClass.allCases.map { ($0.name, 0) })
      }
    }

    /// Counts one detection of `detectionClass` that reached its image's alert threshold.
    public mutating func countAtThreshold(_ detectionClass: DetectionClass) {
      detectionsAtThresholds?[detectionClass.name, default: 0] += 1
    }

    /// The code a failure reason starts with: its text before the first `:` (`truncated` for
    /// `truncated: premature end of data`), or the whole reason when it has none.
    public static func failureCode(_ reason: String) -> String {
      reason.split(separator: ":", maxSplits: 1).first.map(String.init) ?? reason
    }

    /// Counts one image: OK with its detections at or above the threshold, or a failure under
    /// its reason (`"unknown"` without one), or the reason's code when counting by code.
    /// `isClip` says whether the record is a video clip; by default, whether it has a frame
    /// rate (a clip that failed to decode has none, so a writer that knows better says so).
    public mutating func add(_ image: ImageRecord, isClip: Bool? = nil) {
      images += 1
      if isClip ?? (image.frameRate != nil) { clips += 1 }
      if image.failure == nil, let list = image.detections {
        imagesOK += 1
        for d in list where d.confidence >= detectionThreshold {
          detectionsByClass[DetectionClass.name(forCategory: d.category), default: 0] += 1
        }
      } else {
        let reason = image.failure.map { countsFailuresByCode ? Self.failureCode($0) : $0 }
        failuresByReason[reason ?? "unknown", default: 0] += 1
      }
    }

    /// Counts one alert under each class it names.
    public mutating func add(_ alert: AlertRecord) {
      alerts += 1
      for label in Set(alert.labels + alert.boxes.map(\.label)) {
        alertsByClass[label, default: 0] += 1
      }
    }
  }

  /// Images per second (0 when ``seconds`` is not positive).
  public var imagesPerSecond: Double {
    seconds > 0 ? Double(images) / seconds : 0
  }

  /// The document as a ``JSONValue`` (see the type's documentation).
  public var jsonValue: JSONValue {
    func counts(_ map: [String: Int]) -> JSONValue {
      .object(
        map.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map {
          ($0.key, .integer($0.value))
        })
    }
    var members: [(String, JSONValue)] = [
      ("images", .integer(images)),
      ("images_ok", .integer(imagesOK)),
    ]
    if clips > 0 { members.append(("clips", .integer(clips))) }
    members += [
      (
        "failures",
        .object([("total", .integer(failures)), ("by_reason", counts(failuresByReason))])
      ),
    ]
    if !notScanned.isEmpty {
      members.append(
        (
          "not_scanned",
          .array(
            notScanned.map {
              .object([("path", .string($0.path)), ("reason", .string($0.reason))])
            })
        ))
    }
    if !skipped.isEmpty {
      var byKind: [String: Int] = [:]
      for file in skipped { byKind[file.kind, default: 0] += 1 }
      members.append(
        (
          "skipped",
          .object([
            ("total", .integer(skipped.count)), ("by_kind", counts(byKind)),
            (
              "files",
              .array(
                skipped.map { .object([("path", .string($0.path)), ("kind", .string($0.kind))]) })
            ),
          ])
        ))
    }
    members.append(("detection_threshold", .number(detectionThreshold)))
    members.append(("detections", counts(detectionsByClass)))
    if let detectionsAtThresholds {
      members.append(("detections_at_thresholds", counts(detectionsAtThresholds)))
    }
    members += [
      ("alerts", .object([("total", .integer(alerts)), ("by_class", counts(alertsByClass))]))
    ]
    if let heldBackAsStatic, heldBackAsStatic.detections > 0 {
      members.append(("held_back_as_static", heldBackAsStatic.jsonValue))
    }
    members += [
      ("seconds", .number(PythonFloat.round(seconds, digits: 3))),
      ("images_per_second", .number(PythonFloat.round(imagesPerSecond, digits: 3))),
      ("model_version", .string(modelVersion)),
      ("thresholds", MegaDetectorOutput.sortedNumberObject(thresholds)),
      ("started_at", .string(startedAt)),
      ("finished_at", .string(finishedAt)),
    ]
    return .object(members)
  }

  /// The bytes of summary.json (ending in a newline).
  public func encode() -> [UInt8] {
    JSONWriter.pretty.bytes(jsonValue) + [UInt8(ascii: "\n")]
  }
}
