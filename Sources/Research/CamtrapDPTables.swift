import Formats

/// Column names of the three Camtrap DP 1.0 tables, in the standard's order.
enum CamtrapDPTables {
  static let version = "1.0"
  static let base = "https://raw.githubusercontent.com/tdwg/camtrap-dp/\(version)/"
  static let profile = base + "camtrap-dp-profile.json"

  static func schema(_ table: String) -> String { base + "\(table)-table-schema.json" }

  static let deployments = [
    "deploymentID", "locationID", "locationName", "latitude", "longitude",
    "coordinateUncertainty", "deploymentStart", "deploymentEnd", "setupBy", "cameraID",
    "cameraModel", "cameraDelay", "cameraHeight", "cameraDepth", "cameraTilt", "cameraHeading",
    "detectionDistance", "timestampIssues", "baitUse", "featureType", "habitat",
    "deploymentGroups", "deploymentTags", "deploymentComments",
  ]

  static let media = [
    "mediaID", "deploymentID", "captureMethod", "timestamp", "filePath", "filePublic", "fileName",
    "fileMediatype", "exifData", "favorite", "mediaComments",
  ]

  static let observations = [
    "observationID", "deploymentID", "mediaID", "eventID", "eventStart", "eventEnd",
    "observationLevel", "observationType", "cameraSetupType", "scientificName", "count",
    "lifeStage", "sex", "behavior", "individualID", "individualPositionRadius",
    "individualPositionAngle", "individualSpeed", "bboxX", "bboxY", "bboxWidth", "bboxHeight",
    "classificationMethod", "classifiedBy", "classificationTimestamp",
    "classificationProbability", "observationTags", "observationComments",
  ]
}

/// A CSV table built row by row, written with the house quoting (``AlertEncoding/csvField(_:)``)
/// and CRLF line ends.
struct CSVTableWriter {
  let columns: [String]
  private(set) var text: String

  init(columns: [String]) {
    self.columns = columns
    text = columns.joined(separator: ",") + "\r\n"
  }

  /// Appends a row; `values` maps column names to text, other columns are empty.
  mutating func append(_ values: [String: String]) {
    precondition(values.keys.allSatisfy(columns.contains), "unknown Camtrap DP column")
    text += columns.map { AlertEncoding.csvField(values[$0] ?? "") }.joined(separator: ",") + "\r\n"
  }
}
