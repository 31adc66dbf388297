import LookoutCore

/// One camera deployment: where a camera stood, when, and which images it took.
public struct Deployment: Sendable, Equatable {
  /// Unique id, e.g. `"river-camp-cam03-2024a"`.
  public var deploymentID: String
  /// WGS 84 degrees.
  public var latitude: Double
  public var longitude: Double
  /// When the camera was set up and taken down (camera-local clock; the offset, when written or
  /// given by ``timezoneOffsetMinutes``, is kept). A bound the file leaves open (allowed only with
  /// ``DeploymentsFile/DateColumns/optional``) is ``LocalDateTime/earliest`` or
  /// ``LocalDateTime/latest``.
  public var start: LocalDateTime
  public var end: LocalDateTime
  /// Which images belong to it (see ``DeploymentPathPattern``).
  public var pathPattern: DeploymentPathPattern
  public var cameraID: String?
  public var site: String?
  public var cameraModel: String?
  public var locationName: String?
  /// The camera clock's UTC offset, in minutes east of UTC (from `"+02:00"`).
  public var timezoneOffsetMinutes: Int?

  public init(
    deploymentID: String, latitude: Double, longitude: Double, start: LocalDateTime,
    end: LocalDateTime, pathPattern: DeploymentPathPattern, cameraID: String? = nil,
    site: String? = nil, cameraModel: String? = nil, locationName: String? = nil,
    timezoneOffsetMinutes: Int? = nil
  ) {
    self.deploymentID = deploymentID
    self.latitude = latitude
    self.longitude = longitude
    self.start = start
    self.end = end
    self.pathPattern = pathPattern
    self.cameraID = cameraID
    self.site = site
    self.cameraModel = cameraModel
    self.locationName = locationName
    self.timezoneOffsetMinutes = timezoneOffsetMinutes
  }

  /// Whether a camera-local time falls within `start...end` (compared as clock readings, the
  /// whole end day included when `end` was a bare date).
  public func covers(_ time: LocalDateTime) -> Bool {
    time.localSeconds >= start.localSeconds && time.localSeconds <= end.localSeconds
  }
}

/// Which images a deployment took, as a glob over the image's relative path.
///
/// The pattern is split at `/` into segments and compared with the path's leading segments:
/// `*` matches any run of characters within one segment, `?` one character, and a segment that
/// is exactly `**` any number of whole segments. The pattern matches when it matches the whole
/// path or a leading run of whole folders of it, so `river-camp/cam03/*` and `river-camp/cam03`
/// both match `river-camp/cam03/IMG_0001.JPG` and `river-camp/cam03/2024-05/IMG_0001.JPG`, but
/// not `river-camp/cam031/IMG_0001.JPG`. A leading `./` and `/` are ignored on both sides.
public struct DeploymentPathPattern: Sendable, Equatable, CustomStringConvertible {
  public var text: String
  private var segments: [[UInt8]]

  public init(_ text: String) {
    self.text = text
    segments = DeploymentPathPattern.split(text).map { Array($0.utf8) }
  }

  public var description: String { text }

  /// Whether `relativePath` (forward slashes) belongs to this pattern.
  public func matches(_ relativePath: String) -> Bool {
    let path = DeploymentPathPattern.split(relativePath).map { Array($0.utf8) }
    return DeploymentPathPattern.match(segments[...], path[...])
  }

  private static func split(_ s: String) -> [String] {
    var parts = s.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    while parts.first == "." { parts.removeFirst() }
    return parts
  }

  private static func match(_ pattern: ArraySlice<[UInt8]>, _ path: ArraySlice<[UInt8]>) -> Bool {
    guard let first = pattern.first else { return true }  // a prefix of whole folders matched
    if first == Array("**".utf8) {
      let rest = pattern.dropFirst()
      var p = path
      while true {
        if match(rest, p) { return true }
        if p.isEmpty { return false }
        p = p.dropFirst()
      }
    }
    guard let segment = path.first, glob(first[...], segment[...]) else { return false }
    return match(pattern.dropFirst(), path.dropFirst())
  }

  /// `*` and `?` within one segment.
  private static func glob(_ p: ArraySlice<UInt8>, _ s: ArraySlice<UInt8>) -> Bool {
    guard let c = p.first else { return s.isEmpty }
    if c == UInt8(ascii: "*") {
      var rest = s
      while true {
        if glob(p.dropFirst(), rest) { return true }
        if rest.isEmpty { return false }
        rest = rest.dropFirst()
      }
    }
    guard let d = s.first, c == UInt8(ascii: "?") || c == d else { return false }
    return glob(p.dropFirst(), s.dropFirst())
  }
}

/// A deployments file that could not be read: the file, the line and the reason (the same
/// shape as any CSV error, so the reader's own errors pass through unchanged).
public typealias DeploymentsError = CSVReadError

/// The deployments file: which camera stood where and when, and which images are its.
///
/// A CSV file (RFC 4180, UTF-8, header row) with the columns
///
/// | column | required | meaning |
/// |---|---|---|
/// | `deployment_id` | yes | unique id of the deployment |
/// | `latitude`, `longitude` | yes | WGS 84 decimal degrees (-90…90, -180…180) |
/// | `start`, `end` | yes (see ``DateColumns``) | camera-local date-time, `2024-05-01T08:00:00`, `2024-05-01 08:00`, EXIF's `2024:05:01 08:00:00` or a date `2024-05-01` (an `end` given as a date covers that whole day); an offset such as `+02:00` may follow |
/// | `path_pattern` | yes | the images' relative paths, e.g. `river-camp/cam03/*` (see ``DeploymentPathPattern``) |
/// | `camera_id` | no | the camera's id or serial |
/// | `site` | no | the site name (else the first folder of the path, by Lookout's layout) |
/// | `camera_model` | no | make and model |
/// | `location_name` | no | a human name for the place |
/// | `timezone_offset` | no | the camera clock's UTC offset, `+02:00`, `-0530` or `Z` |
///
/// Columns may come in any order and other columns are ignored. Errors name the line: a missing
/// required column or value, a number that is not one or is out of range, a date that is not
/// one, `end` before `start`, a repeated `deployment_id`.
///
/// An image belongs to the first deployment, in file order, whose pattern matches its path and
/// whose `start...end` covers its capture time (``deployment(forPath:capturedAt:)``); without a
/// capture time, to the first whose pattern matches.
public struct DeploymentsFile: Sendable, Equatable {
  public var deployments: [Deployment]

  public init(deployments: [Deployment]) { self.deployments = deployments }

  /// Whether every deployment must give `start` and `end`.
  public enum DateColumns: Sendable {
    /// Both columns and both values are required (what Camtrap DP needs).
    case required
    /// Either column may be missing and either value empty: the deployment is then open at that
    /// end (``LocalDateTime/earliest`` or ``LocalDateTime/latest``), as for a camera that stays
    /// where it is (what `watch` accepts).
    case optional
  }

  /// The deployment an image belongs to, if any.
  public func deployment(forPath relativePath: String, capturedAt: LocalDateTime? = nil)
    -> Deployment?
  {
    let candidates = deployments.filter { $0.pathPattern.matches(relativePath) }
    guard let capturedAt else { return candidates.first }
    return candidates.first { $0.covers(capturedAt) }
  }

  /// Reads the file at `path`.
  public static func read(path: String, dates: DateColumns = .required) throws(DeploymentsError)
    -> DeploymentsFile
  {
    try parse(try CSVReader.read(path: path), path: path, dates: dates)
  }

  /// Parses CSV text; `path` is only used in error messages.
  public static func parse(_ bytes: [UInt8], path: String, dates: DateColumns = .required)
    throws(DeploymentsError) -> DeploymentsFile
  {
    try parse(try CSVReader.parse(bytes, path: path), path: path, dates: dates)
  }

  static func parse(_ table: CSVTable, path: String, dates: DateColumns) throws(DeploymentsError)
    -> DeploymentsFile
  {
    func required(_ name: String) throws(DeploymentsError) -> Int {
      guard let i = table.column(name) else {
        throw DeploymentsError(path: path, line: 1, reason: "no \"\(name)\" column")
      }
      return i
    }
    let idColumn = try required("deployment_id")
    let latColumn = try required("latitude")
    let lonColumn = try required("longitude")
    let datesRequired = dates == .required
    let startColumn = datesRequired ? try required("start") : table.column("start")
    let endColumn = datesRequired ? try required("end") : table.column("end")
    let patternColumn = try required("path_pattern")
    let optional = { (name: String) in table.column(name) }
    let cameraColumn = optional("camera_id"), siteColumn = optional("site")
    let modelColumn = optional("camera_model"), locationColumn = optional("location_name")
    let offsetColumn = optional("timezone_offset")

    var seen: Set<String> = []
    var out: [Deployment] = []
    for row in table.rows {
      func value(_ column: Int) -> String { row.fields[column].trimmingSpaces() }
      func optionalValue(_ column: Int?) -> String? {
        guard let column else { return nil }
        let v = value(column)
        return v.isEmpty ? nil : v
      }
      func fail(_ reason: String) -> DeploymentsError {
        DeploymentsError(path: path, line: row.line, reason: reason)
      }
      func nonEmpty(_ column: Int, _ name: String) throws(DeploymentsError) -> String {
        let v = value(column)
        if v.isEmpty { throw fail("empty \(name)") }
        return v
      }
      func degrees(_ column: Int, _ name: String, limit: Double) throws(DeploymentsError)
        -> Double
      {
        let text = try nonEmpty(column, name)
        guard let v = Double(text), v.isFinite else {
          throw fail("\(name) \"\(text)\" is not a number")
        }
        guard abs(v) <= limit else {
          throw fail("\(name) \(text) is outside -\(Int(limit))…\(Int(limit))")
        }
        return v
      }
      let id = try nonEmpty(idColumn, "deployment_id")
      guard seen.insert(id).inserted else { throw fail("deployment_id \"\(id)\" appears twice") }
      let latitude = try degrees(latColumn, "latitude", limit: 90)
      let longitude = try degrees(lonColumn, "longitude", limit: 180)
      var offset: Int?
      if let text = optionalValue(offsetColumn) {
        guard let minutes = Timestamp.offsetMinutes(text) else {
          throw fail("timezone_offset \"\(text)\" is not an offset such as +02:00")
        }
        offset = minutes
      }
      // A date bound; nil when it is left open, which only optional dates allow (a required
      // column is never nil).
      func bound(_ column: Int?, _ name: String, endOfDay: Bool) throws(DeploymentsError)
        -> LocalDateTime?
      {
        guard let column, datesRequired || !value(column).isEmpty else { return nil }
        let text = try nonEmpty(column, name)
        guard var time = LocalDateTime(text) else {
          throw fail("\(name) \"\(text)\" is not a date or date-time")
        }
        if endOfDay && text.utf8.count == 10 {
          time.hour = 23
          time.minute = 59
          time.second = 59
        }
        return time
      }
      var start = try bound(startColumn, "start", endOfDay: false) ?? .earliest
      var end = try bound(endColumn, "end", endOfDay: true) ?? .latest
      if start.offsetMinutes == nil { start.offsetMinutes = offset }
      if end.offsetMinutes == nil { end.offsetMinutes = offset }
      guard end.localSeconds >= start.localSeconds else { throw fail("end is before start") }
      let pattern = try nonEmpty(patternColumn, "path_pattern")
      out.append(
        Deployment(
          deploymentID: id, latitude: latitude, longitude: longitude, start: start, end: end,
          pathPattern: DeploymentPathPattern(pattern), cameraID: optionalValue(cameraColumn),
          site: optionalValue(siteColumn), cameraModel: optionalValue(modelColumn),
          locationName: optionalValue(locationColumn), timezoneOffsetMinutes: offset))
    }
    return DeploymentsFile(deployments: out)
  }
}
