import ImageIO

/// Removes the metadata from a JPEG or PNG file's bytes without touching its pixels, for the
/// copies `export redacted` writes unchanged: EXIF (GPS position, capture time, camera serial
/// numbers), XMP, IPTC, comments and text chunks.
///
/// - JPEG: the APPn segments and comments (`COM`) before the first scan are dropped, except
///   those decoding and colour need: `APP0` JFIF, `APP2` ICC profile and `APP14` Adobe (which
///   says how the colour channels are stored). The entropy-coded data is copied as it is.
/// - PNG: the `eXIf`, `tEXt`, `zTXt`, `iTXt` and `tIME` chunks are dropped; every other chunk
///   is kept byte for byte.
///
/// An image whose EXIF orientation is not 1 gets a minimal EXIF block back that holds only the
/// orientation, so viewers still show it upright and nothing else travels.
public enum MetadataStripper {
  /// Why a file's metadata could not be removed.
  public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
  }

  /// The file's bytes without its metadata; throws when they are not a JPEG or PNG file whose
  /// structure can be walked (then nothing can be promised about them).
  public static func stripped(_ data: [UInt8]) throws(Failure) -> [UInt8] {
    let orientation = ImageDecoder.metadata(of: data).orientation
    if data.starts(with: [0xFF, 0xD8]) { return try strippedJPEG(data, orientation: orientation) }
    if data.starts(with: pngSignature) { return try strippedPNG(data, orientation: orientation) }
    throw Failure(reason: "not a JPEG or PNG file, so its metadata cannot be removed")
  }

  // MARK: JPEG

  private static func strippedJPEG(_ data: [UInt8], orientation: ExifOrientation)
    throws(Failure) -> [UInt8]
  {
    var kept: [[UInt8]] = []
    var offset = 2
    while true {
      guard offset + 2 <= data.count, data[offset] == 0xFF else {
        throw Failure(reason: "the JPEG's header is broken at byte \(offset)")
      }
      let marker = data[offset + 1]
      switch marker {
      case 0xFF:
        offset += 1
        continue
      case 0x01, 0xD0...0xD7:
        kept.append(Array(data[offset..<(offset + 2)]))
        offset += 2
        continue
      case 0xD9:
        throw Failure(reason: "the JPEG ends before its image data")
      default:
        break
      }
      guard offset + 4 <= data.count else { throw Failure(reason: "the JPEG is cut short") }
      let length = Int(data[offset + 2]) << 8 | Int(data[offset + 3])
      guard length >= 2, length <= data.count - offset - 2 else {
        throw Failure(reason: "the JPEG's header is broken at byte \(offset)")
      }
      if marker == 0xDA {
        // Start of scan: the rest is image data (and the markers between scans).
        var out: [UInt8] = [0xFF, 0xD8]
        var segments = kept
        if let exif = orientationAPP1(orientation) {
          let afterJFIF = segments.first.map(isJFIF) ?? false ? 1 : 0
          segments.insert(exif, at: afterJFIF)
        }
        for segment in segments { out += segment }
        out += data[offset...]
        return out
      }
      let segment = Array(data[offset..<(offset + 2 + length)])
      if !isMetadata(marker: marker, segment: segment) { kept.append(segment) }
      offset += 2 + length
    }
  }

  /// APPn and COM segments, except JFIF, ICC profiles and Adobe's colour transform.
  private static func isMetadata(marker: UInt8, segment: [UInt8]) -> Bool {
    let payload = segment.dropFirst(4)
    switch marker {
    case 0xE0: return !payload.starts(with: Array("JFIF\0".utf8))
    case 0xE2: return !payload.starts(with: Array("ICC_PROFILE\0".utf8))
    case 0xEE: return !payload.starts(with: Array("Adobe".utf8))
    case 0xE1, 0xE3...0xED, 0xEF, 0xFE: return true
    default: return false
    }
  }

  private static func isJFIF(_ segment: [UInt8]) -> Bool {
    segment.count > 1 && segment[1] == 0xE0
  }

  /// An APP1 segment whose EXIF holds only the orientation; nil for `.up`.
  private static func orientationAPP1(_ orientation: ExifOrientation) -> [UInt8]? {
    guard orientation != .up else { return nil }
    let payload = Array("Exif\0\0".utf8) + orientationTIFF(orientation)
    let length = payload.count + 2
    return [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
  }

  /// A big-endian TIFF structure with one IFD holding one entry: Orientation (0x0112, SHORT).
  private static func orientationTIFF(_ orientation: ExifOrientation) -> [UInt8] {
    let header: [UInt8] = [0x4D, 0x4D, 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08]
    let entry: [UInt8] = [
      0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, UInt8(orientation.rawValue), 0x00, 0x00,
    ]
    return header + [0x00, 0x01] + entry + [0x00, 0x00, 0x00, 0x00]
  }

  // MARK: PNG

  private static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
  private static let metadataChunks: Set<String> = ["eXIf", "tEXt", "zTXt", "iTXt", "tIME"]

  private static func strippedPNG(_ data: [UInt8], orientation: ExifOrientation)
    throws(Failure) -> [UInt8]
  {
    var out = pngSignature
    var offset = pngSignature.count
    var first = true
    while true {
      guard offset + 12 <= data.count else { throw Failure(reason: "the PNG is cut short") }
      let length =
        Int(data[offset]) << 24 | Int(data[offset + 1]) << 16 | Int(data[offset + 2]) << 8
        | Int(data[offset + 3])
      guard length <= data.count - offset - 12 else {
        throw Failure(reason: "the PNG's chunk at byte \(offset) is longer than the file")
      }
      let type = String(decoding: data[(offset + 4)..<(offset + 8)], as: UTF8.self)
      let end = offset + 12 + length
      if !metadataChunks.contains(type) { out += data[offset..<end] }
      if first {
        guard type == "IHDR" else { throw Failure(reason: "the PNG does not start with IHDR") }
        if orientation != .up { out += chunk("eXIf", orientationTIFF(orientation)) }
        first = false
      }
      offset = end
      if type == "IEND" { return out }
    }
  }

  private static func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
    let typeBytes = Array(type.utf8)
    let n = body.count
    let length: [UInt8] = [
      UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF),
    ]
    let crc = crc32(typeBytes + body)
    let crcBytes: [UInt8] = [
      UInt8(crc >> 24 & 0xFF), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF),
    ]
    return length + typeBytes + body + crcBytes
  }

  /// The CRC-32 PNG puts after each chunk (ISO 3309, reflected, polynomial 0xEDB88320).
  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return crc ^ 0xFFFF_FFFF
  }
}
