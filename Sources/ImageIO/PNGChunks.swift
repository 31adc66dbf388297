/// Walks PNG chunks to find metadata, without libpng (libpng still verifies every CRC when
/// the image is decoded).
enum PNGChunks {
  /// The data of the first eXIf chunk (a bare TIFF structure), before or after the image data.
  /// nil when there is none or the chunk structure breaks before one is found.
  static func exifPayload(_ data: [UInt8]) -> [UInt8]? {
    let exifType: [UInt8] = Array("eXIf".utf8)
    let endType: [UInt8] = Array("IEND".utf8)
    var offset = 8
    while offset + 12 <= data.count {
      let length =
        Int(data[offset]) << 24 | Int(data[offset + 1]) << 16 | Int(data[offset + 2]) << 8
        | Int(data[offset + 3])
      guard length <= data.count - offset - 12 else { return nil }
      let type = Array(data[(offset + 4)..<(offset + 8)])
      if type == exifType { return Array(data[(offset + 8)..<(offset + 8 + length)]) }
      if type == endType { return nil }
      offset += 12 + length
    }
    return nil
  }
}
