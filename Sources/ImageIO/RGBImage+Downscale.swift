extension RGBImage {
  /// A smaller copy whose long side is `longSide` pixels (the short side scaled to match,
  /// rounded, at least 1), made with a box filter: each output pixel is the rounded mean of
  /// the source pixels its area covers, split at integer source coordinates.
  ///
  /// Returns the image unchanged when its long side is already <= `longSide` (it never
  /// enlarges) or when it is empty. `longSide` must be >= 1.
  public func downscaled(toLongSide longSide: Int) -> RGBImage {
    precondition(longSide >= 1, "downscaled(toLongSide:) needs a positive size")
    let currentLong = max(width, height)
    guard width > 0, height > 0, currentLong > longSide else { return self }
    let outWidth: Int
    let outHeight: Int
    if width >= height {
      outWidth = longSide
      outHeight = max(1, (height * longSide + currentLong / 2) / currentLong)
    } else {
      outHeight = longSide
      outWidth = max(1, (width * longSide + currentLong / 2) / currentLong)
    }
    // Source column range of each output column, computed once.
    let columnStarts = (0...outWidth).map { $0 * width / outWidth }
    var out = [UInt8](repeating: 0, count: outWidth * outHeight * 3)
    var sums = [Int](repeating: 0, count: outWidth * 3)
    pixels.withUnsafeBufferPointer { source in
      for outY in 0..<outHeight {
        let rowStart = outY * height / outHeight
        let rowEnd = (outY + 1) * height / outHeight
        for i in sums.indices { sums[i] = 0 }
        for sourceY in rowStart..<rowEnd {
          let rowBase = sourceY * width * 3
          for outX in 0..<outWidth {
            var r = 0, g = 0, b = 0
            for sourceX in columnStarts[outX]..<columnStarts[outX + 1] {
              let index = rowBase + sourceX * 3
              r += Int(source[index])
              g += Int(source[index + 1])
              b += Int(source[index + 2])
            }
            sums[outX * 3] += r
            sums[outX * 3 + 1] += g
            sums[outX * 3 + 2] += b
          }
        }
        let rows = rowEnd - rowStart
        for outX in 0..<outWidth {
          let count = rows * (columnStarts[outX + 1] - columnStarts[outX])
          let base = (outY * outWidth + outX) * 3
          for channel in 0..<3 {
            out[base + channel] = UInt8((sums[outX * 3 + channel] + count / 2) / count)
          }
        }
      }
    }
    return RGBImage(width: outWidth, height: outHeight, pixels: out)
  }
}
