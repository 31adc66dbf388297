import Formats

/// One camera (or site) deployment from the deployments CSV: where it stood, when, and which
/// images are its.
///
/// Kept in the watch module under its own name until Formats' `DeploymentsFile` (another branch)
/// lands; the columns are the same, so the two can be unified.
public struct CameraDeployment: Sendable, Equatable {
  public var id: String
  public var latitude: Double
  public var longitude: Double
  /// Camera-local `YYYY-MM-DDTHH:MM:SS` bounds, inclusive (an end given as a date covers the day).
  public var start: String?
  public var end: String?
  /// A glob over the relative path (see ``matches(relativePath:)``).
  public var pathPattern: String
  public var cameraID: String?
  public var site: String?
  /// The camera clock's offset east of UTC, in minutes.
  public var utcOffsetMinutes: Int?

  public init(
    id: String, latitude: Double, longitude: Double, start: String? = nil, end: String? = nil,
    pathPattern: String, cameraID: String? = nil, site: String? = nil,
    utcOffsetMinutes: Int? = nil
  ) {
    self.id = id
    self.latitude = latitude
    self.longitude = longitude
    self.start = start
    self.end = end
    self.pathPattern = pathPattern
    self.cameraID = cameraID
    self.site = site
    self.utcOffsetMinutes = utcOffsetMinutes
  }

  /// Whether the image at `relativePath` is this deployment's: the pattern, split at `/`, must
  /// match the path's leading segments (`*` any run of characters within a segment, `?` one
  /// character, a `**` segment any number of segments), so `river-camp/cam03` and
  /// `river-camp/cam03/*` both match `river-camp/cam03/2024/IMG_1.JPG`.
  public func matches(relativePath: String) -> Bool {
    Self.match(Self.segments(pathPattern)[...], Self.segments(relativePath)[...])
  }

  /// Whether a camera-local capture time (`YYYY-MM-DDTHH:MM:SS`, offset ignored) is within the
  /// dates; true when the time or the dates are unknown.
  public func covers(capturedLocal: String?) -> Bool {
    guard let time = capturedLocal.map({ String($0.prefix(19)) }) else { return true }
    if let start, time < start { return false }
    if let end, time > end { return false }
    return true
  }

  private static func segments(_ s: String) -> [Substring] {
    var parts = s.split(separator: "/", omittingEmptySubsequences: true)
    while parts.first == "." { parts.removeFirst() }
    return parts
  }

  private static func match(_ pattern: ArraySlice<Substring>, _ path: ArraySlice<Substring>)
    -> Bool
  {
    guard let first = pattern.first else { return true }
    if first == "**" {
      var rest = path
      while true {
        if match(pattern.dropFirst(), rest) { return true }
        guard !rest.isEmpty else { return false }
        rest = rest.dropFirst()
      }
    }
    guard let segment = path.first, glob(Array(first.utf8)[...], Array(segment.utf8)[...]) else {
      return false
    }
    return match(pattern.dropFirst(), path.dropFirst())
  }

  private static func glob(_ p: ArraySlice<UInt8>, _ s: ArraySlice<UInt8>) -> Bool {
    guard let c = p.first else { return s.isEmpty }
    if c == UInt8(ascii: "*") {
      var rest = s
      while true {
        if glob(p.dropFirst(), rest) { return true }
        guard !rest.isEmpty else { return false }
        rest = rest.dropFirst()
      }
    }
    guard let d = s.first, c == UInt8(ascii: "?") || c == d else { return false }
    return glob(p.dropFirst(), s.dropFirst())
  }
}

/// The deployments CSV: a header row and one row per deployment.
///
/// | column | required | meaning |
/// |---|---|---|
/// | `deployment_id` (or `camera_id`, `site_id`) | yes | the camera's or site's id |
/// | `latitude`, `longitude` | yes | WGS 84 decimal degrees |
/// | `path_pattern` | yes | which images are its, e.g. `river-camp/cam03` or `*/cam03/**` |
/// | `start`, `end` | no | camera-local dates or date-times (`2024-05-01`, `2024-05-01T08:00:00`, `2024-05-01 08:00`) |
/// | `camera_id`, `site` | no | names written into alerts |
/// | `timezone_offset` | no | the camera clock's UTC offset, `+03:00` |
///
/// Columns may come in any order; others are ignored. An image gets the first deployment, in file
/// order, whose pattern matches its path and whose dates cover its capture time.
public struct CameraDeployments: Sendable, Equatable {
  public var deployments: [CameraDeployment]

  public init(_ deployments: [CameraDeployment]) { self.deployments = deployments }

  /// The deployment of an image, if any.
  public func deployment(forPath relativePath: String, capturedLocal: String?) -> CameraDeployment?
  {
    deployments.first {
      $0.matches(relativePath: relativePath) && $0.covers(capturedLocal: capturedLocal)
    }
  }

  public static func read(path: String) throws(WatchError) -> CameraDeployments {
    let bytes: [UInt8]
    do {
      bytes = try FileReader.read(path)
    } catch {
      throw .deployments(path: path, line: 0, reason: error.reason)
    }
    return try parse(bytes, path: path)
  }

  public static func parse(_ bytes: [UInt8], path: String) throws(WatchError) -> CameraDeployments {
    let rows: [CSVRows.Row]
    do {
      rows = try CSVRows.parse(bytes)
    } catch {
      throw .deployments(path: path, line: error.line, reason: error.reason)
    }
    guard let header = rows.first else {
      throw .deployments(path: path, line: 0, reason: "empty file")
    }
    let names = header.fields.map { $0.trimmingSpaces().lowercased() }
    func column(_ candidates: String...) -> Int? {
      candidates.lazy.compactMap { names.firstIndex(of: $0) }.first
    }
    guard let idColumn = column("deployment_id", "camera_id", "site_id"),
      let latColumn = column("latitude", "lat"), let lonColumn = column("longitude", "lon"),
      let patternColumn = column("path_pattern", "folder_pattern")
    else {
      throw .deployments(
        path: path, line: header.line,
        reason: "the header needs deployment_id, latitude, longitude and path_pattern columns")
    }
    let startColumn = column("start"), endColumn = column("end")
    let cameraColumn = names.firstIndex(of: "camera_id").flatMap { $0 == idColumn ? nil : $0 }
    let siteColumn = column("site"), offsetColumn = column("timezone_offset")
    var out: [CameraDeployment] = []
    var seen: Set<String> = []
    for row in rows.dropFirst() {
      func value(_ c: Int?) -> String? {
        guard let c, c < row.fields.count else { return nil }
        let v = row.fields[c].trimmingSpaces()
        return v.isEmpty ? nil : v
      }
      func fail(_ reason: String) -> WatchError {
        .deployments(path: path, line: row.line, reason: reason)
      }
      guard let id = value(idColumn) else { throw fail("no deployment id") }
      guard seen.insert(id).inserted else { throw fail("deployment id \"\(id)\" appears twice") }
      guard let latText = value(latColumn), let lat = Double(latText), abs(lat) <= 90 else {
        throw fail("latitude \"\(value(latColumn) ?? "")\" is not a number in -90…90")
      }
      guard let lonText = value(lonColumn), let lon = Double(lonText), abs(lon) <= 180 else {
        throw fail("longitude \"\(value(lonColumn) ?? "")\" is not a number in -180…180")
      }
      guard let pattern = value(patternColumn) else { throw fail("no path_pattern") }
      var start: String?
      var end: String?
      if let text = value(startColumn) {
        guard let t = Self.localTime(text, endOfDay: false) else {
          throw fail("start \"\(text)\" is not a date or date-time")
        }
        start = t
      }
      if let text = value(endColumn) {
        guard let t = Self.localTime(text, endOfDay: true) else {
          throw fail("end \"\(text)\" is not a date or date-time")
        }
        end = t
      }
      if let start, let end, end < start { throw fail("end is before start") }
      var offset: Int?
      if let text = value(offsetColumn) {
        guard let minutes = UTCOffset.minutes(text) else {
          throw fail("timezone_offset \"\(text)\" is not an offset such as +03:00")
        }
        offset = minutes
      }
      out.append(
        CameraDeployment(
          id: id, latitude: lat, longitude: lon, start: start, end: end, pathPattern: pattern,
          cameraID: value(cameraColumn), site: value(siteColumn), utcOffsetMinutes: offset))
    }
    return CameraDeployments(out)
  }

  /// `YYYY-MM-DDTHH:MM:SS` from a date, `YYYY-MM-DD HH:MM[:SS]` or `YYYY-MM-DDTHH:MM[:SS]` (an
  /// offset after it is ignored); a bare date is the start or, with `endOfDay`, the end of the day.
  static func localTime(_ text: String, endOfDay: Bool) -> String? {
    let b = Array(text.utf8)
    func digits(_ r: Range<Int>) -> Bool {
      r.upperBound <= b.count && b[r].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
    guard b.count >= 10, digits(0..<4), b[4] == UInt8(ascii: "-"), digits(5..<7),
      b[7] == UInt8(ascii: "-"), digits(8..<10)
    else { return nil }
    let date = String(decoding: b[0..<10], as: UTF8.self)
    if b.count == 10 { return date + (endOfDay ? "T23:59:59" : "T00:00:00") }
    guard b.count >= 16, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "),
      digits(11..<13), b[13] == UInt8(ascii: ":"), digits(14..<16)
    else { return nil }
    var seconds = "00"
    if b.count >= 19, b[16] == UInt8(ascii: ":"), digits(17..<19) {
      seconds = String(decoding: b[17..<19], as: UTF8.self)
    }
    return date + "T" + String(decoding: b[11..<16], as: UTF8.self) + ":" + seconds
  }
}

/// UTC offsets written `+03:00`, `-0530` or `Z`.
public enum UTCOffset {
  /// Minutes east of UTC, or nil when `text` is not an offset.
  public static func minutes(_ text: String) -> Int? {
    let t = text.trimmingSpaces()
    if t == "Z" { return 0 }
    let b = Array(t.utf8)
    guard b.count == 6 || b.count == 5, b[0] == UInt8(ascii: "+") || b[0] == UInt8(ascii: "-")
    else { return nil }
    let d = b.count == 6 ? [b[1], b[2], b[4], b[5]] : [b[1], b[2], b[3], b[4]]
    if b.count == 6 && b[3] != UInt8(ascii: ":") { return nil }
    guard d.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
    let h = Int(d[0] - 0x30) * 10 + Int(d[1] - 0x30)
    let m = Int(d[2] - 0x30) * 10 + Int(d[3] - 0x30)
    guard h <= 14, m < 60 else { return nil }
    return (b[0] == UInt8(ascii: "-") ? -1 : 1) * (h * 60 + m)
  }

  /// `+03:00`, `-05:30`, `Z`.
  public static func text(minutes: Int) -> String {
    if minutes == 0 { return "Z" }
    let m = abs(minutes)
    let h = m / 60
    let r = m % 60
    return (minutes < 0 ? "-" : "+") + (h < 10 ? "0" : "") + "\(h):" + (r < 10 ? "0" : "") + "\(r)"
  }
}

extension String {
  func trimmingSpaces() -> String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
    while let l = s.last, l == " " || l == "\t" { s.removeLast() }
    return String(s)
  }
}
