import PipelineTestSupport

/// Byte-level edits of the sample JPEGs and PNGs, for deriving hostile files from good ones.
enum ByteSurgery {
  // MARK: JPEG

  /// One marker segment of a JPEG header: its offset (at the FF), marker code and total length
  /// including the marker (2 + the length field's value).
  struct Segment {
    var offset: Int
    var marker: UInt8
    var length: Int
  }

  /// The header segments up to and including the first SOS.
  static func jpegHeaderSegments(_ jpeg: [UInt8]) -> [Segment] {
    var segments: [Segment] = []
    var offset = 2
    while offset + 4 <= jpeg.count, jpeg[offset] == 0xFF {
      let marker = jpeg[offset + 1]
      let length = 2 + (Int(jpeg[offset + 2]) << 8 | Int(jpeg[offset + 3]))
      segments.append(Segment(offset: offset, marker: marker, length: length))
      if marker == 0xDA { break }
      offset += length
    }
    return segments
  }

  /// Offsets of every SOS marker (one per scan; a progressive JPEG has several).
  static func jpegScanOffsets(_ jpeg: [UInt8]) -> [Int] {
    var result: [Int] = []
    var index = 2
    while index + 1 < jpeg.count {
      if jpeg[index] == 0xFF && jpeg[index + 1] == 0xDA { result.append(index) }
      index += 1
    }
    return result
  }

  /// `jpeg` whose frame header (SOF0/1/2) claims `width` x `height`.
  static func jpegClaimingSize(_ jpeg: [UInt8], width: Int, height: Int) -> [UInt8] {
    guard let sof = jpegHeaderSegments(jpeg).first(where: { (0xC0...0xC2).contains($0.marker) })
    else { preconditionFailure("no SOF in the sample") }
    var out = jpeg
    out[sof.offset + 5] = UInt8(height >> 8)
    out[sof.offset + 6] = UInt8(height & 0xFF)
    out[sof.offset + 7] = UInt8(width >> 8)
    out[sof.offset + 8] = UInt8(width & 0xFF)
    return out
  }

  /// `jpeg` with its EXIF APP1 segment (if any) replaced by one holding `tiff`.
  static func jpegWithExif(_ jpeg: [UInt8], tiff: [UInt8]) -> [UInt8] {
    var body = jpeg
    if let app1 = jpegHeaderSegments(jpeg).first(where: { $0.marker == 0xE1 }) {
      body.removeSubrange(app1.offset..<(app1.offset + app1.length))
    }
    let payload = Array("Exif".utf8) + [0, 0] + tiff
    let length = payload.count + 2
    precondition(length <= 0xFFFF)
    let segment: [UInt8] = [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    return [0xFF, 0xD8] + segment + body[2...]
  }

  /// `jpeg` whose EXIF no longer points to GPS tags: IFD0's GPS pointer (tag 0x8825) is renamed
  /// to a tag no reader knows, so the capture time and everything else stay.
  static func jpegWithoutGPS(_ jpeg: [UInt8]) -> [UInt8] {
    guard let app1 = jpegHeaderSegments(jpeg).first(where: { $0.marker == 0xE1 }) else {
      preconditionFailure("no APP1 in the sample")
    }
    let tiff = app1.offset + 4 + 6  // marker, length, "Exif\0\0"
    let little = jpeg[tiff] == UInt8(ascii: "I")
    func u16(_ at: Int) -> Int {
      little ? Int(jpeg[at]) | Int(jpeg[at + 1]) << 8 : Int(jpeg[at]) << 8 | Int(jpeg[at + 1])
    }
    func u32(_ at: Int) -> Int {
      little ? u16(at) | u16(at + 2) << 16 : u16(at) << 16 | u16(at + 2)
    }
    let ifd0 = tiff + u32(tiff + 4)
    var out = jpeg
    for entry in 0..<u16(ifd0) where u16(ifd0 + 2 + 12 * entry) == 0x8825 {
      out[ifd0 + 2 + 12 * entry] = 0xFF
      out[ifd0 + 3 + 12 * entry] = 0xFE
      return out
    }
    preconditionFailure("no GPS pointer in the sample's IFD0")
  }

  /// The baseline `jpeg` rewritten as a progressive JPEG (lossless, through libjpeg).
  static func progressive(_ jpeg: [UInt8]) -> [UInt8] {
    var out: UnsafeMutablePointer<UInt8>?
    var count = 0
    let status = jpeg.withUnsafeBufferPointer {
      lookout_corpus_make_progressive($0.baseAddress, $0.count, &out, &count)
    }
    precondition(status == 0 && out != nil, "libjpeg could not transcode the sample")
    defer { lookout_corpus_free(out) }
    return Array(UnsafeBufferPointer(start: out, count: count))
  }

  // MARK: PNG

  static func crc32<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt32 {
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

  /// A PNG chunk: offset of its length field, its type and its data length.
  struct Chunk {
    var offset: Int
    var type: String
    var length: Int
    var dataOffset: Int { offset + 8 }
    var crcOffset: Int { offset + 8 + length }
  }

  static func pngChunks(_ png: [UInt8]) -> [Chunk] {
    var chunks: [Chunk] = []
    var offset = 8
    while offset + 12 <= png.count {
      let length = png[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
      let type = String(decoding: png[(offset + 4)..<(offset + 8)], as: UTF8.self)
      chunks.append(Chunk(offset: offset, type: type, length: length))
      offset += 12 + length
    }
    return chunks
  }

  /// A complete chunk with a correct CRC.
  static func pngChunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let body = Array(type.utf8) + data
    return bigEndian32(UInt32(data.count)) + body + bigEndian32(crc32(body))
  }

  /// `png` whose IHDR claims `width` x `height` (CRC recomputed, so only the size is wrong).
  static func pngClaimingSize(_ png: [UInt8], width: UInt32, height: UInt32) -> [UInt8] {
    var out = png
    out.replaceSubrange(16..<20, with: bigEndian32(width))
    out.replaceSubrange(20..<24, with: bigEndian32(height))
    out.replaceSubrange(29..<33, with: bigEndian32(crc32(out[12..<29])))
    return out
  }

  /// `png` with `chunk` inserted right after IHDR.
  static func pngInsertingAfterIHDR(_ chunk: [UInt8], into png: [UInt8]) -> [UInt8] {
    Array(png[..<33]) + chunk + png[33...]
  }

  // MARK: Any file

  /// `bytes` with the byte at `offset` inverted.
  static func flipping(_ bytes: [UInt8], at offset: Int) -> [UInt8] {
    var out = bytes
    out[offset] ^= 0xFF
    return out
  }
}

/// Little-endian TIFF structures for hostile EXIF blocks: each IFD entry is written as given,
/// so offsets can point anywhere.
struct HostileTIFF {
  struct Entry {
    var tag: UInt16
    var type: UInt16
    var count: UInt32
    /// The 4-byte value/offset field.
    var value: UInt32
  }

  static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
  static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }

  /// "II*\0", the IFD0 offset, then `body` (which starts at offset 8).
  static func document(ifd0Offset: UInt32, body: [UInt8]) -> [UInt8] {
    Array("II".utf8) + le16(42) + le32(ifd0Offset) + body
  }

  /// An IFD: the entry count as declared (which may lie), the entries, the next-IFD offset.
  static func ifd(declaredCount: UInt16? = nil, _ entries: [Entry], next: UInt32 = 0) -> [UInt8] {
    var out = le16(declaredCount ?? UInt16(entries.count))
    for entry in entries {
      out += le16(entry.tag) + le16(entry.type) + le32(entry.count) + le32(entry.value)
    }
    return out + le32(next)
  }
}
