/// 8-bit RGB pixels, interleaved, rows top to bottom, no padding (count == width*height*3).
///
/// The invariant `pixels.count == width * height * 3` (with non-negative sizes) is checked by
/// `init`; code that mutates the stored properties directly must keep it.
public struct RGBImage: Sendable, Equatable {
  public var width: Int
  public var height: Int
  public var pixels: [UInt8]

  /// Wraps `pixels`. Traps when the sizes are negative or `pixels.count != width*height*3`.
  public init(width: Int, height: Int, pixels: [UInt8]) {
    precondition(width >= 0 && height >= 0, "RGBImage: negative size \(width)x\(height)")
    precondition(
      pixels.count == width * height * 3,
      "RGBImage: \(pixels.count) bytes for \(width)x\(height)")
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  /// The red, green and blue bytes of the pixel at column `x`, row `y` (both must be inside).
  public func pixel(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
    precondition(x >= 0 && x < width && y >= 0 && y < height, "RGBImage: (\(x), \(y)) outside")
    let index = (y * width + x) * 3
    return (pixels[index], pixels[index + 1], pixels[index + 2])
  }

  /// A crop (x, y, width, height in pixels, clipped to the image).
  ///
  /// The rectangle may lie partly or wholly outside the image; only the overlap is returned,
  /// which is a 0x0 image when there is none. Never traps, whatever the arguments.
  public func cropped(x: Int, y: Int, width cropWidth: Int, height cropHeight: Int) -> RGBImage {
    let (x0, x1) = Self.clip(start: x, length: cropWidth, limit: width)
    let (y0, y1) = Self.clip(start: y, length: cropHeight, limit: height)
    let outWidth = x1 - x0
    let outHeight = y1 - y0
    guard outWidth > 0, outHeight > 0 else { return RGBImage(width: 0, height: 0, pixels: []) }
    if outWidth == width && outHeight == height { return self }
    var out = [UInt8]()
    out.reserveCapacity(outWidth * outHeight * 3)
    for row in y0..<y1 {
      let start = (row * width + x0) * 3
      out.append(contentsOf: pixels[start..<(start + outWidth * 3)])
    }
    return RGBImage(width: outWidth, height: outHeight, pixels: out)
  }

  /// The half-open range [start, start+length) intersected with [0, limit), overflow-safe.
  private static func clip(start: Int, length: Int, limit: Int) -> (Int, Int) {
    let lower = min(max(start, 0), limit)
    let (end, overflow) = start.addingReportingOverflow(max(length, 0))
    let upper = min(max(overflow ? Int.max : end, lower), limit)
    return (lower, upper)
  }
}
