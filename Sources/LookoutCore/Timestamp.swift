import Foundation

/// ISO 8601 timestamps, formatted without locales or time-zone databases so that the same
/// input always gives the same text.
public enum Timestamp {
  /// `date` in UTC: `"2026-11-25T17:18:02Z"`, or with `fractionalDigits` (0...9) of the
  /// second, truncated: `"2026-11-25T17:18:02.123Z"`.
  public static func iso8601UTC(_ date: Date, fractionalDigits: Int = 0) -> String {
    iso8601(date, utcOffsetSeconds: 0, fractionalDigits: fractionalDigits)
  }

  /// `date` as local time at `utcOffsetSeconds` east of UTC, with that offset:
  /// `"2026-11-25T19:18:02+02:00"` (`"Z"` for a zero offset). Offsets are written to the minute.
  public static func iso8601(_ date: Date, utcOffsetSeconds: Int, fractionalDigits: Int = 0)
    -> String
  {
    precondition((0...9).contains(fractionalDigits), "fractionalDigits must be in 0...9")
    let offsetMinutes = utcOffsetSeconds / 60
    let t = date.timeIntervalSince1970 + Double(offsetMinutes * 60)
    let whole = t.rounded(.down)
    var nanos = Int(((t - whole) * 1e9).rounded(.down))
    nanos = min(max(nanos, 0), 999_999_999)
    let seconds = Int64(whole)
    var days = seconds / 86_400
    var secondOfDay = seconds % 86_400
    if secondOfDay < 0 {
      secondOfDay += 86_400
      days -= 1
    }
    let (y, m, d) = civil(fromDays: days)
    var s =
      "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(Int(secondOfDay / 3600), 2)):"
      + "\(pad(Int(secondOfDay / 60 % 60), 2)):\(pad(Int(secondOfDay % 60), 2))"
    if fractionalDigits > 0 {
      let fraction = pad(nanos, 9)
      s += "." + fraction.prefix(fractionalDigits)
    }
    s += offsetText(minutes: offsetMinutes)
    return s
  }

  /// An EXIF date-time (`"YYYY:MM:DD HH:MM:SS"`, as in `DateTimeOriginal`) as ISO 8601:
  /// `"2024-05-01T06:12:33+02:00"` when the EXIF offset (`OffsetTimeOriginal`, `"+02:00"`;
  /// `"+0200"` and `"Z"` are accepted too) is known, the local `"2024-05-01T06:12:33"` when not.
  /// Nil for text that is not a valid date-time (including the blank `"0000:00:00 00:00:00"`
  /// that cameras write when the clock was never set); an invalid offset is ignored.
  public static func iso8601(exifDateTime: String, offset: String? = nil) -> String? {
    let b = Array(exifDateTime.utf8)
    guard b.count >= 19 else { return nil }
    func number(_ range: Range<Int>) -> Int? {
      var v = 0
      for i in range {
        guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
        v = v * 10 + Int(b[i] - 0x30)
      }
      return v
    }
    let colon = UInt8(ascii: ":")
    guard b[4] == colon || b[4] == UInt8(ascii: "-"), b[7] == b[4],
      b[10] == UInt8(ascii: " ") || b[10] == UInt8(ascii: "T"), b[13] == colon, b[16] == colon,
      let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
      let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
      year >= 1, (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
      hour < 24, minute < 60, second < 61
    else { return nil }
    // Anything after the seconds must be blank padding (some cameras pad with spaces or NULs).
    for c in b[19...] where c != 0x20 && c != 0 { return nil }
    var s =
      "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):"
      + pad(second, 2)
    if let offset, let minutes = offsetMinutes(offset) { s += offsetText(minutes: minutes) }
    return s
  }

  /// Minutes east of UTC for `"+02:00"`, `"-0530"`, `"Z"` (at most 14 hours); nil when not an
  /// offset.
  public static func offsetMinutes(_ text: String) -> Int? {
    let t = text.trimmingCharacters(in: CharacterSet(charactersIn: " \u{0}"))
    if t == "Z" { return 0 }
    let b = Array(t.utf8)
    guard b.count == 6 || b.count == 5, b[0] == UInt8(ascii: "+") || b[0] == UInt8(ascii: "-")
    else { return nil }
    let digits = b.count == 6 ? [b[1], b[2], b[4], b[5]] : [b[1], b[2], b[3], b[4]]
    if b.count == 6 && b[3] != UInt8(ascii: ":") { return nil }
    guard digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
    let h = Int(digits[0] - 0x30) * 10 + Int(digits[1] - 0x30)
    let m = Int(digits[2] - 0x30) * 10 + Int(digits[3] - 0x30)
    guard h <= 14, m < 60 else { return nil }
    return (b[0] == UInt8(ascii: "-") ? -1 : 1) * (h * 60 + m)
  }

  /// `"+02:00"`, `"-05:30"`, or `"Z"` for 0: the offset as ISO 8601 writes it.
  public static func offsetText(minutes: Int) -> String {
    if minutes == 0 { return "Z" }
    let sign = minutes < 0 ? "-" : "+"
    let m = abs(minutes)
    return "\(sign)\(pad(m / 60, 2)):\(pad(m % 60, 2))"
  }

  private static func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
  }

  private static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Proleptic Gregorian (year, month, day) for days since 1970-01-01.
  private static func civil(fromDays z0: Int64) -> (Int, Int, Int) {
    let z = z0 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
    return (Int(y), Int(m), Int(d))
  }
}
