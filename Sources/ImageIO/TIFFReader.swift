/// Bounds-checked access to a TIFF structure (the body of an EXIF block) in either byte order.
///
/// Every read returns nil instead of trapping when it would leave the data, so hostile offsets
/// and counts can only make values go missing.
struct TIFFReader {
  let bytes: [UInt8]
  let bigEndian: Bool

  /// Recognises "II*\0" (little-endian) and "MM\0*" (big-endian); nil for anything else.
  init?(_ bytes: [UInt8]) {
    guard bytes.count >= 8 else { return nil }
    switch (bytes[0], bytes[1], bytes[2], bytes[3]) {
    case (0x49, 0x49, 0x2A, 0x00): bigEndian = false
    case (0x4D, 0x4D, 0x00, 0x2A): bigEndian = true
    default: return nil
    }
    self.bytes = bytes
  }

  /// The offset of IFD0, from the header.
  var firstIFDOffset: Int? { uint32(at: 4).map(Int.init) }

  func contains(offset: Int, count: Int) -> Bool {
    offset >= 0 && count >= 0 && offset <= bytes.count && count <= bytes.count - offset
  }

  func uint8(at offset: Int) -> UInt8? {
    contains(offset: offset, count: 1) ? bytes[offset] : nil
  }

  func uint16(at offset: Int) -> UInt16? {
    guard contains(offset: offset, count: 2) else { return nil }
    let a = UInt16(bytes[offset])
    let b = UInt16(bytes[offset + 1])
    return bigEndian ? a << 8 | b : b << 8 | a
  }

  func uint32(at offset: Int) -> UInt32? {
    guard let first = uint16(at: offset), let second = uint16(at: offset + 2) else { return nil }
    return bigEndian
      ? UInt32(first) << 16 | UInt32(second) : UInt32(second) << 16 | UInt32(first)
  }

  func slice(at offset: Int, count: Int) -> ArraySlice<UInt8>? {
    contains(offset: offset, count: count) ? bytes[offset..<(offset + count)] : nil
  }
}

/// The TIFF field types ExifParser reads, with their sizes in bytes.
enum TIFFFieldType: UInt16 {
  case byte = 1, ascii = 2, short = 3, long = 4, rational = 5, signedByte = 6, undefined = 7
  case signedShort = 8, signedLong = 9, signedRational = 10, float = 11, double = 12, ifd = 13

  var size: Int {
    switch self {
    case .byte, .ascii, .signedByte, .undefined: 1
    case .short, .signedShort: 2
    case .long, .signedLong, .float, .ifd: 4
    case .rational, .signedRational, .double: 8
    }
  }
}

/// One IFD entry whose value bytes were found inside the data.
struct TIFFField {
  let tag: UInt16
  let type: TIFFFieldType
  let count: Int
  /// Absolute offset of the first value byte (inline in the entry when they fit in 4 bytes).
  let valueOffset: Int
}

extension TIFFReader {
  /// Largest IFD entry count honoured; real IFDs hold a few dozen entries.
  static let maximumEntries = 1000

  /// The fields of the IFD at `offset`, first occurrence of each tag. Entries that run past
  /// the data, have an unknown type or point outside the data are skipped; an entry count
  /// larger than the data can hold is cut to what is there.
  func fields(ofIFDAt offset: Int) -> [UInt16: TIFFField] {
    guard let declared = uint16(at: offset) else { return [:] }
    let available = max(0, (bytes.count - offset - 2) / 12)
    let count = min(Int(declared), available, Self.maximumEntries)
    var fields: [UInt16: TIFFField] = [:]
    for index in 0..<count {
      let entry = offset + 2 + index * 12
      guard let tag = uint16(at: entry), let rawType = uint16(at: entry + 2),
        let type = TIFFFieldType(rawValue: rawType), let rawCount = uint32(at: entry + 4),
        fields[tag] == nil
      else { continue }
      let count = Int(rawCount)
      let size = count * type.size  // at most 2^32 * 8: no overflow in Int
      let valueOffset: Int
      if size <= 4 {
        valueOffset = entry + 8
      } else {
        guard let pointer = uint32(at: entry + 8) else { continue }
        valueOffset = Int(pointer)
      }
      guard contains(offset: valueOffset, count: size) else { continue }
      fields[tag] = TIFFField(tag: tag, type: type, count: count, valueOffset: valueOffset)
    }
    return fields
  }

  /// The first value of an unsigned integer field (BYTE, SHORT, LONG or IFD).
  func unsignedInteger(_ field: TIFFField?) -> UInt32? {
    guard let field, field.count >= 1 else { return nil }
    switch field.type {
    case .byte, .undefined: return uint8(at: field.valueOffset).map(UInt32.init)
    case .short: return uint16(at: field.valueOffset).map(UInt32.init)
    case .long, .ifd: return uint32(at: field.valueOffset)
    default: return nil
    }
  }

  /// ASCII text up to the first NUL, with spaces and control characters trimmed from both
  /// ends; nil when nothing is left. Bytes that are not UTF-8 become U+FFFD.
  func text(_ field: TIFFField?) -> String? {
    guard let field, field.type == .ascii || field.type == .undefined || field.type == .byte,
      let raw = slice(at: field.valueOffset, count: field.count)
    else { return nil }
    let content = raw.prefix { $0 != 0 }
    func isPadding(_ byte: UInt8) -> Bool { byte <= 0x20 || byte == 0x7F }
    guard let first = content.firstIndex(where: { !isPadding($0) }),
      let last = content.lastIndex(where: { !isPadding($0) })
    else { return nil }
    return String(decoding: content[first...last], as: UTF8.self)
  }

  /// The RATIONAL (or SRATIONAL) values of a field; an element with a zero denominator is nil.
  func rationals(_ field: TIFFField?) -> [Double?] {
    guard let field, field.type == .rational || field.type == .signedRational else { return [] }
    return (0..<field.count).map { index in
      let offset = field.valueOffset + index * 8
      guard let numerator = uint32(at: offset), let denominator = uint32(at: offset + 4),
        denominator != 0
      else { return nil }
      if field.type == .signedRational {
        let n = Int32(bitPattern: numerator)
        let d = Int32(bitPattern: denominator)
        return Double(n) / Double(d)
      }
      return Double(numerator) / Double(denominator)
    }
  }
}
