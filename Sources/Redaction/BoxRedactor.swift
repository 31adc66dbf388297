import ImageIO

/// Hides regions of an image: the boxes of people or vehicles before an image is shared.
public enum BoxRedactor {
  /// How a region is hidden.
  public enum Style: String, Sendable, CaseIterable {
    /// Filled with black: nothing of the region survives.
    case block
    /// A strong blur (three passes of a box blur whose radius is a sixth of the box's longer
    /// side, at least 8 pixels): shapes stay visible, faces and number plates do not.
    case blur
  }

  /// `image` with each normalized `[x, y, w, h]` box, grown by `margin` of its size on every
  /// side and clipped to the image, hidden in `style`.
  public static func redact(
    _ image: RGBImage, boxes: [[Double]], style: Style, margin: Double = 0.1
  ) -> RGBImage {
    var out = image
    for box in boxes where box.count == 4 {
      let w = Double(image.width), h = Double(image.height)
      // The tolerance keeps products such as 0.42 × 100 = 42.000000000000006 on their pixel.
      func down(_ v: Double) -> Int { Int((v + 1e-9).rounded(.down)) }
      func up(_ v: Double) -> Int { Int((v - 1e-9).rounded(.up)) }
      let x0 = max(0, down((box[0] - box[2] * margin) * w))
      let y0 = max(0, down((box[1] - box[3] * margin) * h))
      let x1 = min(image.width, up((box[0] + box[2] * (1 + margin)) * w))
      let y1 = min(image.height, up((box[1] + box[3] * (1 + margin)) * h))
      guard x1 > x0, y1 > y0 else { continue }
      switch style {
      case .block:
        for y in y0..<y1 {
          let row = (y * image.width) * 3
          for i in (row + x0 * 3)..<(row + x1 * 3) { out.pixels[i] = 0 }
        }
      case .blur:
        let radius = max(8, max(x1 - x0, y1 - y0) / 6)
        for _ in 0..<3 { boxBlur(&out, x0: x0, y0: y0, x1: x1, y1: y1, radius: radius) }
      }
    }
    return out
  }

  /// One horizontal and one vertical box-blur pass over the region (samples clamped to it).
  static func boxBlur(_ image: inout RGBImage, x0: Int, y0: Int, x1: Int, y1: Int, radius: Int) {
    let width = image.width
    // Prefix sums make each pass linear in the region's size, whatever the radius.
    var prefix = [Int](repeating: 0, count: (max(x1 - x0, y1 - y0) + 1) * 3)
    func pass(count: Int, lines: Int, index: (Int, Int) -> Int) {
      for l in 0..<lines {
        for i in 0..<count {
          for c in 0..<3 { prefix[(i + 1) * 3 + c] = prefix[i * 3 + c] + Int(image.pixels[index(l, i) + c]) }
        }
        for i in 0..<count {
          let a = max(0, i - radius), b = min(count - 1, i + radius)
          for c in 0..<3 {
            let sum = prefix[(b + 1) * 3 + c] - prefix[a * 3 + c]
            image.pixels[index(l, i) + c] = UInt8(sum / (b - a + 1))
          }
        }
      }
    }
    pass(count: x1 - x0, lines: y1 - y0) { l, i in ((y0 + l) * width + x0 + i) * 3 }
    pass(count: y1 - y0, lines: x1 - x0) { l, i in ((y0 + i) * width + x0 + l) * 3 }
  }
}
