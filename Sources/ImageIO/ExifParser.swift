/// Reads the EXIF fields Lookout uses from a TIFF-structured EXIF block.
///
/// Never throws and never traps, whatever the input: every offset and count is bounds-checked,
/// an IFD is read at most once (pointer loops end), and anything unreadable is simply missing
/// from the result.
public enum ExifParser {
  /// Accepts the bare TIFF structure (a PNG eXIf chunk), a JPEG APP1 payload starting with
  /// "Exif\0\0", or a whole APP1 segment starting with the FF E1 marker and length.
  ///
  /// Reads IFD0 (Orientation 0x0112, Make 0x010F, Model 0x0110), the Exif IFD it points to
  /// (DateTimeOriginal 0x9003, OffsetTimeOriginal 0x9011, CameraOwnerName 0xA430,
  /// BodySerialNumber 0xA431) and the GPS IFD (tags 1...6;
  /// south, west and AltitudeRef 1 negative; GPSStatus "V" discards the fix). Latitude and
  /// longitude are degrees + minutes/60 + seconds/3600 from however many of the three
  /// rationals are present; a zero denominator, an out-of-range result or an unknown
  /// reference letter makes the value missing. A missing reference letter counts as N or E.
  public static func parse(_ tiffOrApp1: [UInt8]) -> ImageMetadata {
    var metadata = ImageMetadata()
    guard let reader = TIFFReader(stripExifHeader(tiffOrApp1)),
      let ifd0Offset = reader.firstIFDOffset
    else { return metadata }
    var visited: Set<Int> = [ifd0Offset]
    let ifd0 = reader.fields(ofIFDAt: ifd0Offset)

    if let raw = reader.unsignedInteger(ifd0[Tag.orientation]),
      let orientation = ExifOrientation(rawValue: Int(raw))
    {
      metadata.orientation = orientation
    }
    metadata.make = reader.text(ifd0[Tag.make])
    metadata.model = reader.text(ifd0[Tag.model])

    if let exif = subIFD(ifd0[Tag.exifIFD], reader: reader, visited: &visited) {
      metadata.dateTimeOriginal = reader.text(exif[Tag.dateTimeOriginal]).flatMap(isoDateTime)
      metadata.offsetTimeOriginal = reader.text(exif[Tag.offsetTimeOriginal]).flatMap(utcOffset)
      metadata.bodySerialNumber = reader.text(exif[Tag.bodySerialNumber]).flatMap(cameraIdentifier)
      metadata.cameraOwnerName = reader.text(exif[Tag.cameraOwnerName]).flatMap(cameraIdentifier)
    }
    if let gps = subIFD(ifd0[Tag.gpsIFD], reader: reader, visited: &visited) {
      metadata.gps = position(gps, reader: reader)
    }
    return metadata
  }

  enum Tag {
    static let make: UInt16 = 0x010F
    static let model: UInt16 = 0x0110
    static let orientation: UInt16 = 0x0112
    static let exifIFD: UInt16 = 0x8769
    static let gpsIFD: UInt16 = 0x8825
    static let dateTimeOriginal: UInt16 = 0x9003
    static let offsetTimeOriginal: UInt16 = 0x9011
    static let cameraOwnerName: UInt16 = 0xA430
    static let bodySerialNumber: UInt16 = 0xA431
    static let gpsLatitudeRef: UInt16 = 1
    static let gpsLatitude: UInt16 = 2
    static let gpsLongitudeRef: UInt16 = 3
    static let gpsLongitude: UInt16 = 4
    static let gpsAltitudeRef: UInt16 = 5
    static let gpsAltitude: UInt16 = 6
    static let gpsStatus: UInt16 = 9
  }

  /// The TIFF bytes inside an APP1 segment or payload; other input is returned unchanged.
  static func stripExifHeader(_ bytes: [UInt8]) -> [UInt8] {
    var start = 0
    if bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xE1 { start = 4 }
    let exifHeader: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0x00]  // "Exif\0" (+ one pad byte)
    if bytes.count >= start + 6, Array(bytes[start..<(start + 5)]) == exifHeader { start += 6 }
    return start == 0 ? bytes : Array(bytes[start...])
  }

  /// The fields of the IFD a pointer field names, unless that IFD was already read.
  private static func subIFD(
    _ pointer: TIFFField?, reader: TIFFReader, visited: inout Set<Int>
  ) -> [UInt16: TIFFField]? {
    guard let raw = reader.unsignedInteger(pointer) else { return nil }
    let offset = Int(raw)
    guard visited.insert(offset).inserted else { return nil }
    return reader.fields(ofIFDAt: offset)
  }

  private static func position(_ gps: [UInt16: TIFFField], reader: TIFFReader) -> GPSPosition? {
    if let status = reader.text(gps[Tag.gpsStatus]), status.uppercased() == "V" { return nil }
    guard
      let latitude = coordinate(
        gps[Tag.gpsLatitude], ref: gps[Tag.gpsLatitudeRef], positive: "N", negative: "S",
        limit: 90, reader: reader),
      let longitude = coordinate(
        gps[Tag.gpsLongitude], ref: gps[Tag.gpsLongitudeRef], positive: "E", negative: "W",
        limit: 180, reader: reader)
    else { return nil }
    var altitude: Double?
    if let metres = reader.rationals(gps[Tag.gpsAltitude]).first ?? nil, metres.isFinite {
      let belowSeaLevel = reader.unsignedInteger(gps[Tag.gpsAltitudeRef]) == 1
      altitude = belowSeaLevel ? -abs(metres) : metres
    }
    return GPSPosition(latitude: latitude, longitude: longitude, altitude: altitude)
  }

  private static func coordinate(
    _ value: TIFFField?, ref: TIFFField?, positive: String, negative: String, limit: Double,
    reader: TIFFReader
  ) -> Double? {
    let parts = reader.rationals(value).prefix(3)
    guard !parts.isEmpty else { return nil }
    var degrees = 0.0
    for (index, part) in parts.enumerated() {
      guard let part, part >= 0 else { return nil }
      degrees += part / [1.0, 60.0, 3600.0][index]
    }
    guard degrees.isFinite, degrees <= limit else { return nil }
    switch reader.text(ref)?.uppercased() {
    case nil, positive: return degrees
    case negative: return -degrees
    default: return nil
    }
  }

  /// "YYYY:MM:DD HH:MM:SS" (dashes and a "T" also accepted) to "YYYY-MM-DDTHH:MM:SS" when it is
  /// a real calendar date and time in years 1...9999; nil otherwise ("0000:00:00 00:00:00",
  /// blanks, garbage).
  static func isoDateTime(_ text: String) -> String? {
    let chars = Array(text.utf8)
    guard chars.count == 19 else { return nil }
    func number(_ range: Range<Int>) -> Int? {
      var value = 0
      for index in range {
        let c = chars[index]
        guard c >= 0x30, c <= 0x39 else { return nil }
        value = value * 10 + Int(c - 0x30)
      }
      return value
    }
    let dateSeparators: Set<UInt8> = [0x3A, 0x2D]  // ':' '-'
    guard dateSeparators.contains(chars[4]), chars[7] == chars[4],
      chars[10] == 0x20 || chars[10] == 0x54,  // ' ' or 'T'
      chars[13] == 0x3A, chars[16] == 0x3A,
      let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
      let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
      (1...9999).contains(year), (1...12).contains(month),
      (1...daysIn(month: month, year: year)).contains(day),
      hour < 24, minute < 60, second < 60
    else { return nil }
    func pad(_ value: Int, _ width: Int) -> String {
      let digits = String(value)
      return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
      + "\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
  }

  private static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2:
      let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
      return leap ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// A camera's name or serial number as written (already trimmed), when it can name a camera:
  /// at most 64 bytes, no control characters, and not only zeros (what cameras without a
  /// serial write); nil otherwise.
  static func cameraIdentifier(_ text: String) -> String? {
    let bytes = Array(text.utf8)
    guard bytes.count <= 64, !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }),
      !bytes.allSatisfy({ $0 == 0x30 })
    else { return nil }
    return text
  }

  /// "+HH:MM" or "-HH:MM" with |offset| <= 14:00 and minutes < 60, returned unchanged;
  /// nil otherwise (including the blank "   :  " the standard allows for unknown).
  static func utcOffset(_ text: String) -> String? {
    let chars = Array(text.utf8)
    guard chars.count == 6, chars[0] == 0x2B || chars[0] == 0x2D, chars[3] == 0x3A else {
      return nil
    }
    let digits = [chars[1], chars[2], chars[4], chars[5]]
    guard digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
    let hours = Int(digits[0] - 0x30) * 10 + Int(digits[1] - 0x30)
    let minutes = Int(digits[2] - 0x30) * 10 + Int(digits[3] - 0x30)
    guard minutes < 60, hours * 60 + minutes <= 14 * 60 else { return nil }
    return text
  }
}
