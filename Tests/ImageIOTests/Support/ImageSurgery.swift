/// Byte-level edits of JPEG and PNG files for tests: inserting metadata, rewriting header
/// sizes, locating segments.
enum ImageSurgery {
  /// `jpeg` with an APP1 segment holding `payload` inserted right after SOI.
  static func insertingAPP1(_ payload: [UInt8], into jpeg: [UInt8]) -> [UInt8] {
    precondition(jpeg.starts(with: [0xFF, 0xD8]))
    let length = payload.count + 2
    let segment: [UInt8] = [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    return [0xFF, 0xD8] + segment + jpeg[2...]
  }

  /// Offsets of every marker `FF <code>` in the header and between scans (entropy-coded data
  /// is skipped by looking for the next non-stuffed, non-RST marker).
  static func jpegMarkers(_ jpeg: [UInt8], code: UInt8) -> [Int] {
    var result: [Int] = []
    var offset = 2
    while offset + 4 <= jpeg.count {
      guard jpeg[offset] == 0xFF else { offset += 1; continue }
      let marker = jpeg[offset + 1]
      if marker == 0xD9 { break }
      let length = Int(jpeg[offset + 2]) << 8 | Int(jpeg[offset + 3])
      if marker == code { result.append(offset) }
      offset += 2 + length
      if marker == 0xDA {
        // Skip entropy-coded data up to the next real marker.
        while offset + 1 < jpeg.count {
          if jpeg[offset] == 0xFF, jpeg[offset + 1] != 0, !(0xD0...0xD7).contains(jpeg[offset + 1])
          {
            break
          }
          offset += 1
        }
      }
    }
    return result
  }

  /// `jpeg` with the first SOFn frame header claiming `width` x `height`.
  static func jpegClaimingSize(_ jpeg: [UInt8], width: Int, height: Int) -> [UInt8] {
    let sof = [0xC0, 0xC1, 0xC2].flatMap { jpegMarkers(jpeg, code: UInt8($0)) }.min()!
    var out = jpeg
    out[sof + 5] = UInt8(height >> 8)
    out[sof + 6] = UInt8(height & 0xFF)
    out[sof + 7] = UInt8(width >> 8)
    out[sof + 8] = UInt8(width & 0xFF)
    return out
  }

  static func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
  }

  static func bigEndian32(_ value: UInt32) -> [UInt8] {
    [
      UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF),
      UInt8(value & 0xFF),
    ]
  }

  /// A complete PNG chunk with a correct CRC.
  static func pngChunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let body = Array(type.utf8) + data
    return bigEndian32(UInt32(data.count)) + body + bigEndian32(crc32(body))
  }

  /// (offset of the length field, data length) of every chunk of `type`.
  static func pngChunks(_ png: [UInt8], type: String) -> [(offset: Int, length: Int)] {
    var result: [(Int, Int)] = []
    var offset = 8
    while offset + 12 <= png.count {
      let length = png[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
      if Array(png[(offset + 4)..<(offset + 8)]) == Array(type.utf8) {
        result.append((offset, length))
      }
      offset += 12 + length
    }
    return result
  }

  /// `png` with `chunk` inserted right after IHDR.
  static func insertingAfterIHDR(_ chunk: [UInt8], into png: [UInt8]) -> [UInt8] {
    let end = 8 + 12 + 13
    return Array(png[..<end]) + chunk + png[end...]
  }

  /// `png` whose IHDR claims `width` x `height`, with the IHDR CRC recomputed.
  static func pngClaimingSize(_ png: [UInt8], width: UInt32, height: UInt32) -> [UInt8] {
    var out = png
    out.replaceSubrange(16..<20, with: bigEndian32(width))
    out.replaceSubrange(20..<24, with: bigEndian32(height))
    out.replaceSubrange(29..<33, with: bigEndian32(crc32(out[12..<29])))
    return out
  }
}
