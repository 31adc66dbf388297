/// A calendar date and clock time as written in a file, with its UTC offset when one was given.
///
/// Reads the forms Lookout meets: EXIF/MegaDetector `"2024:05:01 06:12:33"`, ISO 8601
/// `"2024-05-01T06:12:33"`, `"2024-05-01 06:12"`, with an offset (`"Z"`, `"+02:00"`, `"+0200"`)
/// or fractional seconds (ignored), and a bare date `"2024-05-01"` (midnight). No time zone
/// database is involved: times without an offset stay local clock readings.
public struct LocalDateTime: Sendable, Equatable, Hashable, Comparable, CustomStringConvertible {
  public var year: Int
  public var month: Int
  public var day: Int
  public var hour: Int
  public var minute: Int
  public var second: Int
  /// Minutes east of UTC, when the text gave an offset.
  public var offsetMinutes: Int?

  public init(
    year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0,
    offsetMinutes: Int? = nil
  ) {
    self.year = year
    self.month = month
    self.day = day
    self.hour = hour
    self.minute = minute
    self.second = second
    self.offsetMinutes = offsetMinutes
  }

  /// The earliest and the latest readings ``init(_:)`` can give (years 0001 to 9999): what an
  /// open start or end stands for (see ``DeploymentsFile/DateColumns/optional``).
  public static let earliest = LocalDateTime(year: 1, month: 1, day: 1)
  public static let latest = LocalDateTime(
    year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59)

  /// Parses `text`; nil when it is not one of the accepted forms or not a real date.
  public init?(_ text: String) {
    let b = Array(text.trimmingSpaces().utf8)
    func number(_ range: Range<Int>) -> Int? {
      guard range.upperBound <= b.count else { return nil }
      var v = 0
      for i in range {
        guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
        v = v * 10 + Int(b[i] - 0x30)
      }
      return v
    }
    guard b.count >= 10, let y = number(0..<4), let mo = number(5..<7), let d = number(8..<10),
      b[4] == UInt8(ascii: "-") || b[4] == UInt8(ascii: ":"), b[7] == b[4]
    else { return nil }
    var h = 0, mi = 0, s = 0
    var rest = b[10...]
    if let sep = rest.first, sep == UInt8(ascii: "T") || sep == UInt8(ascii: " ") {
      guard let hh = number(11..<13), b.count >= 16, b[13] == UInt8(ascii: ":"),
        let mm = number(14..<16)
      else { return nil }
      h = hh
      mi = mm
      rest = b[16...]
      if rest.first == UInt8(ascii: ":") {
        guard let ss = number(17..<19) else { return nil }
        s = ss
        rest = b[19...]
        if rest.first == UInt8(ascii: ".") {
          rest = rest.dropFirst()
          while let c = rest.first, c >= 0x30 && c <= 0x39 { rest = rest.dropFirst() }
        }
      }
    }
    var offset: Int?
    if !rest.isEmpty {
      guard let minutes = Timestamp.offsetMinutes(String(decoding: rest, as: UTF8.self))
      else { return nil }
      offset = minutes
    }
    guard y >= 1, (1...12).contains(mo), d >= 1, d <= LocalDateTime.daysIn(month: mo, year: y),
      h < 24, mi < 60, s < 61
    else { return nil }
    self.init(year: y, month: mo, day: d, hour: h, minute: mi, second: s, offsetMinutes: offset)
  }

  /// Seconds since 1970-01-01 00:00:00 of the clock reading, ignoring any offset: for comparing
  /// two readings of the same clock.
  public var localSeconds: Int64 {
    let days = LocalDateTime.daysFromCivil(year: year, month: month, day: day)
    return days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
  }

  /// Seconds since the Unix epoch, when the offset is known.
  public var epochSeconds: Int64? {
    offsetMinutes.map { localSeconds - Int64($0 * 60) }
  }

  /// The same reading with `minutes` as its offset.
  public func withOffset(_ minutes: Int?) -> LocalDateTime {
    var copy = self
    copy.offsetMinutes = minutes
    return copy
  }

  /// `"2024-05-01"`.
  public var isoDate: String { "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))" }

  /// ISO 8601: `"2024-05-01T06:12:33+02:00"` (`"Z"` for a zero offset), or without an offset
  /// when none is known.
  public var iso8601: String {
    var s = "\(isoDate)T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
    if let offsetMinutes { s += Timestamp.offsetText(minutes: offsetMinutes) }
    return s
  }

  public var description: String { iso8601 }

  /// Orders by ``localSeconds`` (the clock reading), then offset.
  public static func < (a: LocalDateTime, b: LocalDateTime) -> Bool {
    if a.localSeconds != b.localSeconds { return a.localSeconds < b.localSeconds }
    return (a.offsetMinutes ?? Int.min) < (b.offsetMinutes ?? Int.min)
  }

  private func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
  }

  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date.
  /// The reading `seconds` later on the same clock (earlier when negative), with the same
  /// offset: days, months and years carry as the calendar does.
  public func adding(seconds: Int64) -> LocalDateTime {
    let total = localSeconds + seconds
    let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
    let inDay = Int(total - days * 86_400)
    let (y, m, d) = Self.civil(fromDays: days)
    return LocalDateTime(
      year: y, month: m, day: d, hour: inDay / 3600, minute: inDay % 3600 / 60,
      second: inDay % 60, offsetMinutes: offsetMinutes)
  }

  /// The date `days` after 1970-01-01: the inverse of ``daysFromCivil(year:month:day:)``, with
  /// the year starting in March inside the 400-year cycle so that leap days fall last.
  static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
    let shifted = days + 719_468  // days since 0000-03-01
    let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let marchMonth = (5 * dayOfYear + 2) / 153  // 0 = March ... 11 = February
    let day = dayOfYear - (153 * marchMonth + 2) / 5 + 1
    let month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    return (Int(year), Int(month), Int(day))
  }

  static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
    let y = Int64(month <= 2 ? year - 1 : year)
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let m = Int64(month)
    let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }
}
