/// A GPS fix from the EXIF GPS IFD, in signed decimal degrees (south and west negative) and
/// metres above sea level (negative below).
public struct GPSPosition: Sendable, Equatable {
  public var latitude: Double
  public var longitude: Double
  public var altitude: Double?

  public init(latitude: Double, longitude: Double, altitude: Double? = nil) {
    self.latitude = latitude
    self.longitude = longitude
    self.altitude = altitude
  }
}

/// What Lookout uses from an image's EXIF. Every field is optional in the file; a missing or
/// malformed value is `nil` (or `.up` for the orientation), never an error.
public struct ImageMetadata: Sendable, Equatable {
  /// `.up` when absent or not 1...8.
  public var orientation: ExifOrientation
  /// DateTimeOriginal (0x9003) as ISO 8601 local time, "2024-05-01T06:12:09"; nil when absent
  /// or not a real date and time.
  public var dateTimeOriginal: String?
  /// OffsetTimeOriginal (0x9011), "+02:00"; nil when absent or not of the form ±HH:MM.
  public var offsetTimeOriginal: String?
  /// nil unless both latitude and longitude are present and valid.
  public var gps: GPSPosition?
  /// Make (0x010F), NUL and space padding trimmed; nil when absent or empty.
  public var make: String?
  /// Model (0x0110), trimmed like `make`.
  public var model: String?
  /// BodySerialNumber (0xA431, in the Exif IFD), trimmed like `make`; nil also when it is only
  /// zeros, longer than 64 bytes or holds control characters.
  public var bodySerialNumber: String?
  /// CameraOwnerName (0xA430, in the Exif IFD), read like ``bodySerialNumber``.
  public var cameraOwnerName: String?

  public init(
    orientation: ExifOrientation = .up, dateTimeOriginal: String? = nil,
    offsetTimeOriginal: String? = nil, gps: GPSPosition? = nil, make: String? = nil,
    model: String? = nil
  ) {
    self.orientation = orientation
    self.dateTimeOriginal = dateTimeOriginal
    self.offsetTimeOriginal = offsetTimeOriginal
    self.gps = gps
    self.make = make
    self.model = model
  }

  /// The camera's own id, which `lookout scan` places an image's camera by when no deployment
  /// or `--camera` names it: the body serial number, else the owner name.
  public var cameraID: String? { bodySerialNumber ?? cameraOwnerName }

  /// "2024-05-01T06:12:09+02:00" when both are known, else the local form, else nil.
  public var capturedAt: String? {
    guard let local = dateTimeOriginal else { return nil }
    guard let offset = offsetTimeOriginal else { return local }
    return local + offset
  }
}
