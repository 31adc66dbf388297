/// Builds small TIFF/EXIF structures for tests: IFD0 plus optional Exif and GPS IFDs, in
/// either byte order, with the pointer entries (0x8769, 0x8825) filled in.
struct TIFFWriter {
  struct Entry {
    var tag: UInt16
    var type: UInt16
    var count: UInt32
    /// Value bytes, already in the writer's byte order.
    var data: [UInt8]
  }

  var bigEndian: Bool

  func uint16(_ value: UInt16) -> [UInt8] {
    let bytes = [UInt8(value & 0xFF), UInt8(value >> 8)]
    return bigEndian ? bytes.reversed() : bytes
  }

  func uint32(_ value: UInt32) -> [UInt8] {
    let bytes = (0..<4).map { UInt8((value >> (8 * UInt32($0))) & 0xFF) }
    return bigEndian ? bytes.reversed() : bytes
  }

  func ascii(_ tag: UInt16, _ text: String) -> Entry {
    let bytes = Array(text.utf8) + [0]
    return Entry(tag: tag, type: 2, count: UInt32(bytes.count), data: bytes)
  }

  /// ASCII with exactly these bytes (no NUL added): for padding and garbage tests.
  func rawASCII(_ tag: UInt16, _ bytes: [UInt8]) -> Entry {
    Entry(tag: tag, type: 2, count: UInt32(bytes.count), data: bytes)
  }

  func byte(_ tag: UInt16, _ value: UInt8) -> Entry {
    Entry(tag: tag, type: 1, count: 1, data: [value])
  }

  func short(_ tag: UInt16, _ value: UInt16) -> Entry {
    Entry(tag: tag, type: 3, count: 1, data: uint16(value))
  }

  func long(_ tag: UInt16, _ value: UInt32) -> Entry {
    Entry(tag: tag, type: 4, count: 1, data: uint32(value))
  }

  func rationals(_ tag: UInt16, _ values: [(UInt32, UInt32)]) -> Entry {
    Entry(
      tag: tag, type: 5, count: UInt32(values.count),
      data: values.flatMap { uint32($0.0) + uint32($0.1) })
  }

  /// The header, IFD0 at offset 8, then the Exif IFD and the GPS IFD when given.
  func build(ifd0: [Entry], exif: [Entry]? = nil, gps: [Entry]? = nil) -> [UInt8] {
    var ifd0 = ifd0
    if exif != nil { ifd0.append(long(0x8769, 0)) }
    if gps != nil { ifd0.append(long(0x8825, 0)) }
    let exifOffset = 8 + Self.size(of: ifd0)
    let gpsOffset = exifOffset + (exif.map(Self.size) ?? 0)
    ifd0 = ifd0.map { entry in
      switch entry.tag {
      case 0x8769 where exif != nil: long(0x8769, UInt32(exifOffset))
      case 0x8825 where gps != nil: long(0x8825, UInt32(gpsOffset))
      default: entry
      }
    }
    var out = (bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]) + uint16(42) + uint32(8)
    out += serialize(ifd0, at: 8)
    if let exif { out += serialize(exif, at: exifOffset) }
    if let gps { out += serialize(gps, at: gpsOffset) }
    return out
  }

  /// "Exif\0\0" + TIFF: the payload of a JPEG APP1 segment.
  func app1Payload(ifd0: [Entry], exif: [Entry]? = nil, gps: [Entry]? = nil) -> [UInt8] {
    Array("Exif".utf8) + [0, 0] + build(ifd0: ifd0, exif: exif, gps: gps)
  }

  private static func size(of entries: [Entry]) -> Int {
    let data = entries.filter { $0.data.count > 4 }.map { ($0.data.count + 1) & ~1 }
    return 2 + 12 * entries.count + 4 + data.reduce(0, +)
  }

  private func serialize(_ entries: [Entry], at offset: Int) -> [UInt8] {
    let sorted = entries.sorted { $0.tag < $1.tag }
    var table = uint16(UInt16(sorted.count))
    var area = [UInt8]()
    let areaStart = offset + 2 + 12 * sorted.count + 4
    for entry in sorted {
      table += uint16(entry.tag) + uint16(entry.type) + uint32(entry.count)
      if entry.data.count <= 4 {
        table += entry.data + [UInt8](repeating: 0, count: 4 - entry.data.count)
      } else {
        table += uint32(UInt32(areaStart + area.count))
        area += entry.data
        if area.count % 2 == 1 { area.append(0) }
      }
    }
    return table + uint32(0) + area
  }
}
