import Crypto
import Formats
import Foundation
import LookoutCore
import LookoutSystem

/// What `lookout export camtrap-dp` does: a Camtrap DP 1.0 package (datapackage.json,
/// deployments.csv, media.csv, observations.csv) from a run and a deployments file.
///
/// - **deployments.csv**: every deployment of the file; `locationID` is its site (or the
///   deployment id), start and end with the deployment's UTC offset.
/// - **media.csv**: every processed image that belongs to a deployment
///   (``DeploymentsFile/deployment(forPath:capturedAt:)``) and has a capture time; `mediaID` is
///   the first 16 hex digits of the SHA-256 of `"lookout-media" NUL path`, so it is stable across
///   exports; `timestamp` is the EXIF time with the deployment's offset; `filePath` is
///   ``mediaBase`` followed by the image's path; `filePublic` is false for every image with a
///   person (privacy), true otherwise; `captureMethod` is `activityDetection`.
/// - **observations.csv**: one media-level observation per detection at or above its class
///   threshold: `observationType` `animal`, `human` (person) or `vehicle`, `count` 1, the box in
///   `bboxX`, `bboxY`, `bboxWidth`, `bboxHeight` (normalized, top-left origin, as MegaDetector's),
///   `classificationMethod` `machine`, `classifiedBy` the detector, `classificationProbability`
///   the confidence; an image with none gets one `blank` observation. A detection marked static
///   (`"static": true` in detections.json: scenery that recurs at the same place of its camera,
///   which raised no alert) keeps its observation, tagged `observationTags` `static:true` and
///   explained in `observationComments`, so that a reader can leave it out. `eventID`,
///   `eventStart` and `eventEnd` are the image's event's (detections.json's `event`, see
///   ``Formats/ImageEvent``), else empty and the media's timestamp. A clip's observations are at
///   event level and end no earlier than its last scanned frame (its start plus that frame's
///   number over the frame rate, whole seconds). (The Camtrap DP 1.0 media table has no event
///   columns.)
/// - **datapackage.json**: the 1.0 profile and table-schema URLs, `created`, `contributors`,
///   `project` (media-level observations, activity detection), `spatial` (the deployments'
///   bounding box as GeoJSON), `temporal` (first start to last end) and an empty `taxonomic`
///   (Lookout does not name species).
public struct CamtrapDPExport: Sendable {
  /// `observationTags` of a static detection (a Camtrap DP `key:value` tag).
  public static let staticTag = "static:true"
  /// `observationComments` of a static detection.
  public static let staticComment =
    "static scenery: the same box recurs at this camera across events; no alert was raised"

  public var detections: String
  public var deploymentsPath: String
  public var outputFolder: String
  public var thresholdOverrides: [String: Double]
  public var configPath: String?
  /// Prefix of every `filePath` (e.g. `https://example.org/card/`, or `""` for paths relative
  /// to the package).
  public var mediaBase: String
  public var title: String
  /// Contact person or organization, required by Camtrap DP.
  public var contributor: String
  public var contributorEmail: String?
  /// One of Camtrap DP's sampling designs (`opportunistic`, `targeted`, `simpleRandom`, …).
  public var samplingDesign: String
  /// When the package was made; nil for now.
  public var created: Date?
  /// Lookout's version, recorded in `sources`.
  public var lookoutVersion = "0.1.0"
  /// `filePath` for particular images (by their path in the run), e.g. redacted copies inside
  /// the package; others get ``mediaBase`` followed by their path.
  public var mediaPaths: [String: String] = [:]

  public init(
    detections: String, deploymentsPath: String, outputFolder: String,
    thresholdOverrides: [String: Double] = [:], configPath: String? = nil, mediaBase: String = "",
    title: String = "Lookout camera-trap detections", contributor: String,
    contributorEmail: String? = nil, samplingDesign: String = "opportunistic", created: Date? = nil
  ) {
    self.detections = detections
    self.deploymentsPath = deploymentsPath
    self.outputFolder = outputFolder
    self.thresholdOverrides = thresholdOverrides
    self.configPath = configPath
    self.mediaBase = mediaBase
    self.title = title
    self.contributor = contributor
    self.contributorEmail = contributorEmail
    self.samplingDesign = samplingDesign
    self.created = created
  }

  /// What was written and what was left out.
  public struct Summary: Sendable, Equatable {
    public var deployments = 0
    public var media = 0
    public var observations = 0
    /// Media marked not public because they show people.
    public var privateMedia = 0
    /// Images left out: no deployment matches their path and time.
    public var withoutDeployment: [String] = []
    /// Images left out: no capture time.
    public var withoutTimestamp: [String] = []
    /// Images the scan could not read (never exported).
    public var failed = 0
  }

  public static let samplingDesigns = [
    "simpleRandom", "systematicRandom", "clusteredRandom", "experimental", "targeted",
    "opportunistic",
  ]

  /// The inputs of an export, read and checked (``readInputs()``).
  public struct Inputs: Sendable {
    var run: DetectionRun
    var deployments: DeploymentsFile
    var config: ClassThresholds?
  }

  /// Reads and checks the detections file, the deployments file and the config: everything
  /// that can be wrong with the inputs is found before anything is written.
  public func readInputs() throws(ResearchError) -> Inputs {
    guard CamtrapDPExport.samplingDesigns.contains(samplingDesign) else {
      throw .mismatch(
        reason:
          "sampling design \"\(samplingDesign)\" is not one of \(CamtrapDPExport.samplingDesigns.joined(separator: ", "))"
      )
    }
    let run = try DetectionRun.read(path: ReviewJob.detectionsFile(detections))
    let deployments: DeploymentsFile
    do {
      deployments = try DeploymentsFile.read(path: deploymentsPath)
    } catch {
      throw .input(
        path: deploymentsPath,
        reason: error.line > 0 ? "line \(error.line): \(error.reason)" : error.reason)
    }
    guard !deployments.deployments.isEmpty else {
      throw .input(path: deploymentsPath, reason: "no deployments")
    }
    for d in deployments.deployments
    where d.start.offsetMinutes == nil || d.end.offsetMinutes == nil {
      throw .input(
        path: deploymentsPath,
        reason:
          "deployment \(d.deploymentID) has no UTC offset; Camtrap DP needs one: add a timezone_offset column (e.g. +02:00)"
      )
    }
    let config = try configPath.map(ConfigFile.thresholds)
    return Inputs(run: run, deployments: deployments, config: config)
  }

  /// Reads the inputs and writes the package.
  @discardableResult
  public func run() throws(ResearchError) -> Summary {
    try write(readInputs())
  }

  /// Writes the package from inputs already read.
  @discardableResult
  public func write(_ inputs: Inputs) throws(ResearchError) -> Summary {
    let (run, deployments, config) = (inputs.run, inputs.deployments, inputs.config)
    let thresholds = ClassThresholds.resolve(
      overrides: thresholdOverrides, config: config, recorded: run.recordedThresholds)
    let createdDate = created ?? Date()
    let createdText = Timestamp.iso8601UTC(createdDate)
    let classifiedBy =
      run.results.info.detector ?? run.results.info.lookout?.modelVersion ?? "Lookout"
    let classificationTime =
      run.results.info.detectionCompletionTime.flatMap { LocalDateTime($0) }
      .flatMap { $0.offsetMinutes == nil ? nil : $0.iso8601 } ?? createdText

    var summary = Summary()
    var media = CSVTableWriter(columns: CamtrapDPTables.media)
    var observations = CSVTableWriter(columns: CamtrapDPTables.observations)
    let images = run.results.images.sorted(by: ImageRecord.writtenBefore)
    for image in images {
      guard image.detections != nil else {
        summary.failed += 1
        continue
      }
      guard let local = image.datetime.flatMap({ LocalDateTime($0) }) else {
        summary.withoutTimestamp.append(image.file)
        continue
      }
      guard let deployment = deployments.deployment(forPath: image.file, capturedAt: local) else {
        summary.withoutDeployment.append(image.file)
        continue
      }
      let site = ImageOrigin(relativePath: image.file).placed(
        deploymentSite: deployment.site, deploymentCamera: deployment.cameraID
      ).site
      let captured = local.withOffset(
        deployment.timezoneOffsetMinutes ?? deployment.start.offsetMinutes)
      let timestamp = captured.iso8601
      let mediaID = CamtrapDPExport.mediaID(image.file)
      let kept = run.detections(of: image).filter {
        $0.confidence > 0 && $0.confidence >= thresholds.threshold($0.detectionClass, site: site)
      }.sorted { $0.confidence > $1.confidence }
      let hasPerson = kept.contains { $0.detectionClass == .person }
      if hasPerson { summary.privateMedia += 1 }
      media.append([
        "mediaID": mediaID, "deploymentID": deployment.deploymentID,
        "captureMethod": "activityDetection", "timestamp": timestamp,
        "filePath": mediaPaths[image.file] ?? mediaBase + image.file, "filePublic": hasPerson ? "false" : "true",
        "fileName": Paths.fileName(image.file),
        "fileMediatype": CamtrapDPExport.mediaType(image.file),
      ])
      summary.media += 1
      var common: [String: String] = [
        "deploymentID": deployment.deploymentID, "mediaID": mediaID, "eventStart": timestamp,
        "eventEnd": timestamp, "observationLevel": "media", "classificationMethod": "machine",
        "classifiedBy": classifiedBy, "classificationTimestamp": classificationTime,
      ]
      if let event = image.event {
        // A time without an offset takes the deployment's, as the media's timestamp does.
        func withOffset(_ text: String) -> String {
          guard let time = LocalDateTime(text) else { return timestamp }
          guard time.offsetMinutes == nil else { return time.iso8601 }
          return time.withOffset(
            deployment.timezoneOffsetMinutes ?? deployment.start.offsetMinutes
          ).iso8601
        }
        common["eventID"] = event.id
        common["eventStart"] = withOffset(event.start)
        common["eventEnd"] = withOffset(event.end)
      }
      if let rate = image.frameRate {
        // A clip is classified as a whole (its best frame per class): its observations are at
        // event level, with no mediaID, in the clip's event (or one of its own), and they last
        // at least until its last scanned frame.
        common["observationLevel"] = "event"
        common["mediaID"] = ""
        if common["eventID"] == nil { common["eventID"] = mediaID }
        // A frame rate or frame number from the file that makes no sense (a day's clip is
        // the longest a camera writes) leaves the end as it is.
        if let lastFrame = image.framesProcessed?.max(), lastFrame > 0 {
          let seconds = (Double(lastFrame) / rate).rounded(.down)
          if seconds.isFinite, seconds > 0, seconds <= 86_400,
            let end = common["eventEnd"].flatMap(LocalDateTime.init)
          {
            let clipEnd = captured.adding(seconds: Int64(seconds))
            if end < clipEnd { common["eventEnd"] = clipEnd.iso8601 }
          }
        }
      }
      if kept.isEmpty {
        var row = common
        row["observationID"] = mediaID + "-0"
        row["observationType"] = "blank"
        observations.append(row)
        summary.observations += 1
      }
      for (k, d) in kept.enumerated() {
        var row = common
        row["observationID"] = "\(mediaID)-\(k + 1)"
        row["observationType"] = d.detectionClass == .person ? "human" : d.detectionClass.name
        row["count"] = "1"
        let box = CamtrapDPExport.clampedBox(d.bbox)
        row["bboxX"] = PythonFloat.repr(box[0])
        row["bboxY"] = PythonFloat.repr(box[1])
        row["bboxWidth"] = PythonFloat.repr(box[2])
        row["bboxHeight"] = PythonFloat.repr(box[3])
        row["classificationProbability"] = PythonFloat.rounded(d.confidence, digits: 3)
        if d.isStatic {
          row["observationTags"] = CamtrapDPExport.staticTag
          row["observationComments"] = CamtrapDPExport.staticComment
        }
        observations.append(row)
        summary.observations += 1
      }
    }

    var deploymentTable = CSVTableWriter(columns: CamtrapDPTables.deployments)
    for d in deployments.deployments {
      deploymentTable.append([
        "deploymentID": d.deploymentID, "locationID": d.site ?? d.deploymentID,
        "locationName": d.locationName ?? d.site ?? "", "latitude": PythonFloat.repr(d.latitude),
        "longitude": PythonFloat.repr(d.longitude), "deploymentStart": d.start.iso8601,
        "deploymentEnd": d.end.iso8601, "cameraID": d.cameraID ?? "",
        "cameraModel": d.cameraModel ?? "",
      ])
    }
    summary.deployments = deployments.deployments.count

    try OutputFolder.create(outputFolder)
    try ResearchFiles.write(deploymentTable.text, to: Paths.join(outputFolder, "deployments.csv"))
    try ResearchFiles.write(media.text, to: Paths.join(outputFolder, "media.csv"))
    try ResearchFiles.write(observations.text, to: Paths.join(outputFolder, "observations.csv"))
    let package = descriptor(deployments: deployments.deployments, created: createdText)
    try ResearchFiles.write(
      JSONWriter.pretty.string(package) + "\n", to: Paths.join(outputFolder, "datapackage.json"))
    return summary
  }

  func descriptor(deployments: [Deployment], created: String) -> JSONValue {
    let resources: [JSONValue] = ["deployments", "media", "observations"].map { name in
      .object([
        ("name", .string(name)), ("path", .string("\(name).csv")),
        ("profile", .string("tabular-data-resource")), ("format", .string("csv")),
        ("mediatype", .string("text/csv")), ("encoding", .string("utf-8")),
        ("schema", .string(CamtrapDPTables.schema(name))),
      ])
    }
    var contributor: [(String, JSONValue)] = [("title", .string(contributor))]
    if let contributorEmail { contributor.append(("email", .string(contributorEmail))) }
    contributor.append(("role", .string("contact")))
    let lats = deployments.map(\.latitude), lons = deployments.map(\.longitude)
    let (w, e, s, n) = (lons.min()!, lons.max()!, lats.min()!, lats.max()!)
    let spatial: JSONValue
    if w == e && s == n {
      spatial = .object([
        ("type", .string("Point")), ("coordinates", .array([.number(w), .number(s)])),
      ])
    } else {
      let ring: [JSONValue] = [[w, s], [e, s], [e, n], [w, n], [w, s]].map {
        .array($0.map { .number($0) })
      }
      spatial = .object([
        ("type", .string("Polygon")), ("bbox", .array([w, s, e, n].map { .number($0) })),
        ("coordinates", .array([.array(ring)])),
      ])
    }
    let start = deployments.map(\.start).min { $0.epochSeconds! < $1.epochSeconds! }!
    let end = deployments.map(\.end).max { $0.epochSeconds! < $1.epochSeconds! }!
    let name = String(title.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
      .split(separator: "-", omittingEmptySubsequences: true).joined(separator: "-")
    return .object([
      ("resources", .array(resources)),
      ("profile", .string(CamtrapDPTables.profile)),
      ("name", .string(name.isEmpty ? "lookout-export" : String(name))),
      ("created", .string(created)),
      ("title", .string(title)),
      ("contributors", .array([.object(contributor)])),
      (
        "sources",
        .array([.object([("title", .string("Lookout")), ("version", .string(lookoutVersion))])])
      ),
      (
        "project",
        .object([
          ("title", .string(title)), ("samplingDesign", .string(samplingDesign)),
          ("captureMethod", .array([.string("activityDetection")])),
          ("individualAnimals", .bool(false)), ("observationLevel", .array([.string("media")])),
        ])
      ),
      ("spatial", spatial),
      ("temporal", .object([("start", .string(start.isoDate)), ("end", .string(end.isoDate))])),
      ("taxonomic", .array([])),
    ])
  }

  /// Stable media id for a path.
  static func mediaID(_ file: String) -> String {
    var hasher = SHA256()
    hasher.update("lookout-media")
    hasher.update([0])
    hasher.update(file)
    return String(hasher.finalize().hex.prefix(16))
  }

  static func mediaType(_ file: String) -> String {
    let ext = Paths.fileName(file).split(separator: ".").last.map { $0.lowercased() } ?? ""
    switch ext {
    case "jpg", "jpeg": return "image/jpeg"
    case "png": return "image/png"
    case "": return "image/jpeg"
    case "mp4", "m4v": return "video/mp4"
    case "mov": return "video/quicktime"
    case "avi": return "video/x-msvideo"
    case "mkv": return "video/x-matroska"
    case "mts", "m2ts": return "video/mp2t"
    case "wmv": return "video/x-ms-wmv"
    case "3gp": return "video/3gpp"
    case "mpg", "mpeg": return "video/mpeg"
    case "webm": return "video/webm"
    default: return "image/\(ext)"
    }
  }

  /// The box rounded to 4 decimals and kept inside the image with a positive size (as the
  /// standard's ranges require).
  static func clampedBox(_ b: [Double]) -> [Double] {
    let x = min(max(PythonFloat.round(b[0], digits: 4), 0), 1)
    let y = min(max(PythonFloat.round(b[1], digits: 4), 0), 1)
    let w = min(max(PythonFloat.round(b[2], digits: 4), 0.0001), 1)
    let h = min(max(PythonFloat.round(b[3], digits: 4), 0.0001), 1)
    return [x, y, w, h]
  }
}
