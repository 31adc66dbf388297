/// Walks the marker segments of a JPEG header to find metadata, without libjpeg.
enum JPEGSegments {
  /// The payload (after the length field, starting "Exif\0") of the first APP1 segment that
  /// holds EXIF, searching the segments before the first scan. nil when there is none or the
  /// segment structure breaks before one is found.
  static func exifPayload(_ data: [UInt8]) -> [UInt8]? {
    guard data.count >= 4, data[0] == 0xFF, data[1] == 0xD8 else { return nil }
    let exifHeader: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0x00]
    var offset = 2
    while offset + 4 <= data.count {
      guard data[offset] == 0xFF else { return nil }
      let marker = data[offset + 1]
      switch marker {
      case 0xFF:  // fill byte before a marker
        offset += 1
        continue
      case 0x01, 0xD0...0xD8:  // markers without a length
        offset += 2
        continue
      case 0xD9, 0xDA:  // end of image, start of scan: no metadata past here
        return nil
      default:
        break
      }
      let length = Int(data[offset + 2]) << 8 | Int(data[offset + 3])
      guard length >= 2, length <= data.count - offset - 2 else { return nil }
      let payload = data[(offset + 4)..<(offset + 2 + length)]
      if marker == 0xE1, payload.starts(with: exifHeader) { return Array(payload) }
      offset += 2 + length
    }
    return nil
  }
}
