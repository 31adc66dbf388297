import Foundation
import ImageIO

/// A small baseline JPEG encoder in Swift (no C library): 8-bit YCbCr, no chroma subsampling,
/// the quantization and Huffman tables of the JPEG standard's Annex K, a JFIF header and no
/// metadata (so nothing of the original EXIF, such as GPS, is carried over).
///
/// Meant for writing shareable copies of images (see ``BoxRedactor``), not for speed: the DCT
/// is the plain separable one.
public enum BaselineJPEGEncoder {
  /// The JPEG bytes of `image`, at `quality` 1…100 (IJG scaling of the Annex K tables).
  public static func encode(_ image: RGBImage, quality: Int = 90) -> [UInt8] {
    precondition(image.width > 0 && image.height > 0, "cannot encode an empty image")
    precondition(image.width <= 65_535 && image.height <= 65_535, "JPEG is limited to 65535 pixels")
    let luma = scaledTable(JPEGTables.luminanceQuantization, quality: quality)
    let chroma = scaledTable(JPEGTables.chrominanceQuantization, quality: quality)
    var out: [UInt8] = []
    out.reserveCapacity(image.width * image.height / 2 + 1024)
    writeHeaders(&out, width: image.width, height: image.height, luma: luma, chroma: chroma)

    let tables = [
      (dc: HuffmanCode(JPEGTables.dcLuminance), ac: HuffmanCode(JPEGTables.acLuminance)),
      (dc: HuffmanCode(JPEGTables.dcChrominance), ac: HuffmanCode(JPEGTables.acChrominance)),
    ]
    var writer = BitWriter()
    var previousDC = [0, 0, 0]
    var block = [Float](repeating: 0, count: 64 * 3)
    var coefficients = [Float](repeating: 0, count: 64)
    let w = image.width, h = image.height
    image.pixels.withUnsafeBufferPointer { px in
      for by in stride(from: 0, to: h, by: 8) {
        for bx in stride(from: 0, to: w, by: 8) {
          // Colour conversion, edge pixels repeated into partial blocks, level shift.
          for y in 0..<8 {
            let sy = min(by + y, h - 1)
            for x in 0..<8 {
              let sx = min(bx + x, w - 1)
              let i = (sy * w + sx) * 3
              let r = Float(px[i]), g = Float(px[i + 1]), b = Float(px[i + 2])
              block[y * 8 + x] = 0.299 * r + 0.587 * g + 0.114 * b - 128
              block[64 + y * 8 + x] = -0.168_736 * r - 0.331_264 * g + 0.5 * b
              block[128 + y * 8 + x] = 0.5 * r - 0.418_688 * g - 0.081_312 * b
            }
          }
          for component in 0..<3 {
            forwardDCT(block, offset: component * 64, into: &coefficients)
            let q = component == 0 ? luma : chroma
            var quantized = [Int](repeating: 0, count: 64)
            for k in 0..<64 {
              let natural = JPEGTables.zigzag[k]
              quantized[k] = Int((coefficients[natural] / Float(q[natural])).rounded())
            }
            let t = tables[component == 0 ? 0 : 1]
            encodeBlock(quantized, previousDC: &previousDC[component], dc: t.dc, ac: t.ac, into: &writer)
          }
        }
      }
    }
    writer.flush()
    out.append(contentsOf: writer.bytes)
    out.append(contentsOf: [0xFF, 0xD9])
    return out
  }

  /// A table (natural order) scaled for `quality` as the IJG library does.
  static func scaledTable(_ base: [Int], quality: Int) -> [Int] {
    let q = min(max(quality, 1), 100)
    let scale = q < 50 ? 5000 / q : 200 - 2 * q
    return base.map { min(max(($0 * scale + 50) / 100, 1), 255) }
  }

  /// cos((2x+1)uπ/16) · C(u)/2.
  static let cosines: [Float] = {
    var t = [Float](repeating: 0, count: 64)
    for u in 0..<8 {
      let c: Double = u == 0 ? 1 / 2.0.squareRoot() : 1
      for x in 0..<8 {
        t[u * 8 + x] = Float(c / 2 * cos(Double((2 * x + 1) * u) * Double.pi / 16))
      }
    }
    return t
  }()

  /// Separable 8×8 DCT-II of `input[offset..<offset+64]` (natural order).
  static func forwardDCT(_ input: [Float], offset: Int, into out: inout [Float]) {
    var rows = [Float](repeating: 0, count: 64)
    for y in 0..<8 {
      for u in 0..<8 {
        var s: Float = 0
        for x in 0..<8 { s += input[offset + y * 8 + x] * cosines[u * 8 + x] }
        rows[y * 8 + u] = s
      }
    }
    for u in 0..<8 {
      for v in 0..<8 {
        var s: Float = 0
        for y in 0..<8 { s += rows[y * 8 + u] * cosines[v * 8 + y] }
        out[v * 8 + u] = s
      }
    }
  }

  /// Bits needed for |v| (the JPEG "size" category).
  static func category(_ v: Int) -> Int {
    var a = abs(v), n = 0
    while a > 0 {
      n += 1
      a >>= 1
    }
    return n
  }

  static func encodeBlock(
    _ zz: [Int], previousDC: inout Int, dc: HuffmanCode, ac: HuffmanCode, into w: inout BitWriter
  ) {
    let diff = zz[0] - previousDC
    previousDC = zz[0]
    let size = category(diff)
    w.write(dc.codes[size], dc.lengths[size])
    if size > 0 { w.write(diff < 0 ? diff + (1 << size) - 1 : diff, size) }
    var run = 0
    for k in 1..<64 {
      let v = zz[k]
      if v == 0 {
        run += 1
        continue
      }
      while run > 15 {
        w.write(ac.codes[0xF0], ac.lengths[0xF0])
        run -= 16
      }
      let s = category(v)
      let symbol = run << 4 | s
      w.write(ac.codes[symbol], ac.lengths[symbol])
      w.write(v < 0 ? v + (1 << s) - 1 : v, s)
      run = 0
    }
    if run > 0 { w.write(ac.codes[0x00], ac.lengths[0x00]) }
  }

  static func writeHeaders(_ out: inout [UInt8], width: Int, height: Int, luma: [Int], chroma: [Int]) {
    func u16(_ v: Int) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
    out += [0xFF, 0xD8]
    out += [0xFF, 0xE0] + u16(16) + Array("JFIF".utf8) + [0, 1, 1, 0] + u16(1) + u16(1) + [0, 0]
    out += [0xFF, 0xDB] + u16(2 + 2 * 65)
    for (id, table) in [(0, luma), (1, chroma)] {
      out.append(UInt8(id))
      for k in 0..<64 { out.append(UInt8(table[JPEGTables.zigzag[k]])) }
    }
    out += [0xFF, 0xC0] + u16(17) + [8] + u16(height) + u16(width) + [3]
    out += [1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1]
    let specs: [(UInt8, JPEGTables.Spec)] = [
      (0x00, JPEGTables.dcLuminance), (0x10, JPEGTables.acLuminance),
      (0x01, JPEGTables.dcChrominance), (0x11, JPEGTables.acChrominance),
    ]
    let length = 2 + specs.reduce(0) { $0 + 17 + $1.1.values.count }
    out += [0xFF, 0xC4] + u16(length)
    for (id, spec) in specs {
      out.append(id)
      out += spec.counts.map(UInt8.init)
      out += spec.values
    }
    out += [0xFF, 0xDA] + u16(12) + [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]
  }
}

/// Canonical Huffman codes from a table's code-length counts and symbols (JPEG Annex C).
struct HuffmanCode {
  var codes = [Int](repeating: 0, count: 256)
  var lengths = [Int](repeating: 0, count: 256)

  init(_ spec: JPEGTables.Spec) {
    var code = 0, k = 0
    for length in 1...16 {
      for _ in 0..<spec.counts[length - 1] {
        let symbol = Int(spec.values[k])
        codes[symbol] = code
        lengths[symbol] = length
        code += 1
        k += 1
      }
      code <<= 1
    }
  }
}

/// Entropy-coded bytes: bits most significant first, a 0 stuffed after every 0xFF, the last
/// byte padded with 1 bits.
struct BitWriter {
  var bytes: [UInt8] = []
  private var buffer: UInt32 = 0
  private var count = 0

  mutating func write(_ value: Int, _ length: Int) {
    guard length > 0 else { return }
    buffer = buffer << UInt32(length) | UInt32(value & ((1 << length) - 1))
    count += length
    while count >= 8 {
      let byte = UInt8(truncatingIfNeeded: buffer >> UInt32(count - 8))
      bytes.append(byte)
      if byte == 0xFF { bytes.append(0) }
      count -= 8
    }
    buffer &= (1 << UInt32(count)) &- 1
  }

  mutating func flush() {
    if count > 0 { write((1 << (8 - count)) - 1, 8 - count) }
  }
}
