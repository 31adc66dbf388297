import Formats
import LookoutCore

/// Ground truth from a Camtrap DP 1.0 package's observations.
///
/// Give the package's `datapackage.json` or its `observations.csv`; `media.csv` is read from
/// the same folder (or from the path the `media` resource names). Each media file's `filePath`
/// is its path. `observationType` maps `human` → person, `vehicle` → vehicle, `animal` →
/// animal, `blank` → empty; `unknown` and `unclassified` say nothing. Media-level observations
/// (`observationLevel` `media`, or a `mediaID` given) apply to their media file, with their box
/// (`bboxX`, `bboxY`, `bboxWidth`, `bboxHeight`, normalized) when they have one; event-level
/// observations apply to every media file of the deployment whose `timestamp` is within
/// `eventStart…eventEnd`, as image-level labels. Media with no observation that says something
/// are left out. A media file's boxes are complete when all its media-level observations are
/// blank or have boxes and it has no event-level label that lacks a box.
public enum TruthCamtrapDP {
  public static func read(path: String) throws(ResearchError) -> GroundTruth {
    let folder = Paths.directory(of: path)
    var observationsPath = path
    var mediaPath = Paths.join(folder, "media.csv")
    if path.hasSuffix(".json") {
      let bytes = try ResearchFiles.read(path) { .truth(path: $0, line: 0, reason: $1) }
      guard let root = try? JSONParser.parse(bytes) else {
        throw .truth(path: path, line: 0, reason: "not JSON")
      }
      observationsPath = Paths.join(folder, "observations.csv")
      for resource in root["resources"]?.arrayValue ?? [] {
        guard let name = resource["name"]?.stringValue, let p = resource["path"]?.stringValue
        else { continue }
        do {
          try ContainedPath.check(p, entry: "resources[\(name)].path", in: path)
        } catch {
          throw .truth(path: path, line: 0, reason: error.detail)
        }
        if name == "observations" { observationsPath = Paths.join(folder, p) }
        if name == "media" { mediaPath = Paths.join(folder, p) }
      }
    }
    func table(_ p: String) throws(ResearchError) -> CSVTable {
      do {
        return try CSVReader.read(path: p)
      } catch {
        throw .truthTable(error)
      }
    }
    return try parse(
      observations: table(observationsPath), observationsPath: observationsPath,
      media: table(mediaPath), mediaPath: mediaPath)
  }

  /// The ground truth in already-read `observations` and `media` tables (the paths are for
  /// error messages).
  public static func parse(
    observations: CSVTable, observationsPath: String, media: CSVTable, mediaPath: String
  ) throws(ResearchError) -> GroundTruth {
    func column(_ t: CSVTable, _ name: String, _ p: String) throws(ResearchError) -> Int {
      guard let i = t.column(name) else {
        throw .truth(path: p, line: 1, reason: "no \"\(name)\" column")
      }
      return i
    }
    let mID = try column(media, "mediaID", mediaPath)
    let mDeployment = try column(media, "deploymentID", mediaPath)
    let mTime = try column(media, "timestamp", mediaPath)
    let mPath = try column(media, "filePath", mediaPath)
    struct Media {
      var file: String
      var deployment: String
      var time: LocalDateTime?
      var classes: Set<DetectionClass> = []
      var boxes: [TruthBox] = []
      var said = false
      var unboxed = false
    }
    var mediaByID: [String: Media] = [:]
    var order: [String] = []
    for row in media.rows {
      let id = row.fields[mID]
      do {
        try ContainedPath.check(row.fields[mPath], entry: "filePath", in: mediaPath)
      } catch {
        throw .truth(path: mediaPath, line: row.line, reason: error.detail)
      }
      mediaByID[id] = Media(
        file: row.fields[mPath], deployment: row.fields[mDeployment],
        time: LocalDateTime(row.fields[mTime]))
      order.append(id)
    }

    let p = observationsPath
    let oMedia = observations.column("mediaID")
    let oDeployment = try column(observations, "deploymentID", p)
    let oLevel = observations.column("observationLevel")
    let oType = try column(observations, "observationType", p)
    let oStart = observations.column("eventStart")
    let oEnd = observations.column("eventEnd")
    let boxColumns = ["bboxX", "bboxY", "bboxWidth", "bboxHeight"].map { observations.column($0) }
    for row in observations.rows {
      let type = row.fields[oType].trimmed()
      let detectionClass: DetectionClass?
      switch type {
      case "human": detectionClass = .person
      case "vehicle": detectionClass = .vehicle
      case "animal": detectionClass = .animal
      case "blank": detectionClass = nil
      case "unknown", "unclassified": continue
      default:
        throw .truth(path: p, line: row.line, reason: "unknown observationType \"\(type)\"")
      }
      let mediaID = oMedia.map { row.fields[$0].trimmed() } ?? ""
      let level = oLevel.map { row.fields[$0].trimmed() } ?? ""
      var box: [Double]?
      let texts = boxColumns.map { c in c.map { row.fields[$0].trimmed() } ?? "" }
      if !texts.allSatisfy(\.isEmpty) {
        let values = texts.compactMap(Double.init)
        guard values.count == 4 else {
          throw .truth(path: p, line: row.line, reason: "bbox fields need four numbers")
        }
        if let problem = BoxCheck.problem(values) {
          throw .truth(path: p, line: row.line, reason: problem)
        }
        box = values
      }
      if level == "media" || (level.isEmpty && !mediaID.isEmpty) {
        guard mediaByID[mediaID] != nil else {
          throw .truth(
            path: p, line: row.line, reason: "mediaID \"\(mediaID)\" is not in media.csv")
        }
        mediaByID[mediaID]!.said = true
        guard let c = detectionClass else { continue }
        mediaByID[mediaID]!.classes.insert(c)
        if let box {
          mediaByID[mediaID]!.boxes.append(TruthBox(c, bbox: box))
        } else {
          mediaByID[mediaID]!.unboxed = true
        }
      } else {
        guard let s = oStart, let e = oEnd, let start = LocalDateTime(row.fields[s]),
          let end = LocalDateTime(row.fields[e])
        else {
          throw .truth(
            path: p, line: row.line, reason: "an event observation needs eventStart and eventEnd")
        }
        let deployment = row.fields[oDeployment]
        for id in order where mediaByID[id]!.deployment == deployment {
          guard let t = mediaByID[id]!.time, Self.within(t, start, end) else { continue }
          mediaByID[id]!.said = true
          if let c = detectionClass {
            mediaByID[id]!.classes.insert(c)
            mediaByID[id]!.unboxed = true
          }
        }
      }
    }
    var truth = GroundTruth()
    truth.sources = [observationsPath]
    for id in order {
      let m = mediaByID[id]!
      guard m.said else { continue }
      truth.add(
        file: m.file, classes: m.classes, boxes: m.boxes,
        boxesComplete: !m.unboxed || (m.classes.isEmpty))
    }
    return truth
  }

  /// Compares instants when all three have offsets, clock readings otherwise.
  static func within(_ t: LocalDateTime, _ start: LocalDateTime, _ end: LocalDateTime) -> Bool {
    if let x = t.epochSeconds, let a = start.epochSeconds, let b = end.epochSeconds {
      return x >= a && x <= b
    }
    return t.localSeconds >= start.localSeconds && t.localSeconds <= end.localSeconds
  }
}
