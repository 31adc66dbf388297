/// How an image maps onto the network input: resized so its long side is `longSide` (aspect
/// kept, short side rounded to the nearest pixel, at least 1), placed at the top-left, and padded
/// with zeros right and bottom up to a multiple of `multiple`.
public struct LetterboxGeometry: Sendable, Equatable {
  public var imageWidth: Int
  public var imageHeight: Int
  public var resizedWidth: Int
  public var resizedHeight: Int
  public var paddedWidth: Int
  public var paddedHeight: Int

  public init(imageWidth: Int, imageHeight: Int, longSide: Int, multiple: Int) {
    precondition(imageWidth > 0 && imageHeight > 0 && longSide > 0 && multiple > 0)
    self.imageWidth = imageWidth
    self.imageHeight = imageHeight
    let scale = Double(longSide) / Double(max(imageWidth, imageHeight))
    resizedWidth =
      imageWidth >= imageHeight ? longSide : max(1, Int((Double(imageWidth) * scale).rounded()))
    resizedHeight =
      imageHeight > imageWidth ? longSide : max(1, Int((Double(imageHeight) * scale).rounded()))
    paddedWidth = (resizedWidth + multiple - 1) / multiple * multiple
    paddedHeight = (resizedHeight + multiple - 1) / multiple * multiple
  }

  /// Input pixels per image pixel, horizontally and vertically.
  public var scaleX: Double { Double(resizedWidth) / Double(imageWidth) }
  public var scaleY: Double { Double(resizedHeight) / Double(imageHeight) }
  /// Whether `preprocess` averages areas (shrinking by more than 2x) rather than interpolating.
  public var usesAreaResampling: Bool {
    Double(max(resizedWidth, resizedHeight)) / Double(max(imageWidth, imageHeight)) < 0.5
  }
}

/// Resampling taps of one axis: output `o` is `sum weights[j] * source[index[j]]` for
/// `j` in `start[o] ..< start[o + 1]`.
struct ResampleTaps {
  var start: [Int] = []
  var index: [Int] = []
  var weights: [Float] = []

  /// Rebuilds the taps in place (keeping capacity) for `source` -> `output` samples, each weight
  /// multiplied by `gain`.
  mutating func build(source n: Int, output m: Int, area: Bool, gain: Float) {
    start.removeAll(keepingCapacity: true)
    index.removeAll(keepingCapacity: true)
    weights.removeAll(keepingCapacity: true)
    let ratio = Double(n) / Double(m)  // source pixels per output pixel
    for o in 0..<m {
      start.append(index.count)
      if area {
        // The output pixel covers [o, o + 1) * ratio of the source; weight = overlap / ratio.
        let lo = Double(o) * ratio
        let hi = min(Double(o + 1) * ratio, Double(n))
        var j = Int(lo.rounded(.down))
        while Double(j) < hi && j < n {
          let overlap = min(hi, Double(j + 1)) - max(lo, Double(j))
          if overlap > 1e-9 {
            index.append(j)
            weights.append(Float(overlap / (hi - lo)) * gain)
          }
          j += 1
        }
      } else {
        // Half-pixel centres, clamped at the edges (OpenCV INTER_LINEAR, PyTorch
        // align_corners=False without antialiasing).
        let s = min(max((Double(o) + 0.5) * ratio - 0.5, 0), Double(n - 1))
        let j = Int(s.rounded(.down))
        let f = s - Double(j)
        index.append(j)
        weights.append(Float(1 - f) * gain)
        if j + 1 < n && f > 0 {
          index.append(j + 1)
          weights.append(Float(f) * gain)
        }
      }
    }
    start.append(index.count)
  }
}

/// Reusable memory of `preprocess`: tap tables and one row accumulator. Grows to the largest
/// image seen, never shrinks, so steady-state preprocessing allocates nothing.
struct ResizeScratch {
  var horizontal = ResampleTaps()
  var vertical = ResampleTaps()
  var row: [Float] = []
  var key: (Int, Int, Int, Int) = (0, 0, 0, 0)
}

/// Writes the network input for an RGB8 image: resizes to `geometry.resized*` and scales to
/// 0...1 into the top-left of `output` (`paddedHeight x paddedWidth x 3`), zeros elsewhere.
///
/// Resampling is separable. Bilinear with half-pixel centres and clamped edges (OpenCV's
/// INTER_LINEAR) when the image is enlarged or shrunk by at most 2x; area averaging (OpenCV's
/// INTER_AREA: each output pixel the coverage-weighted mean of the source pixels under it) when
/// shrunk by more than 2x, so that no source pixels are skipped (no aliasing).
func preprocess(
  rgb: UnsafeBufferPointer<UInt8>, geometry g: LetterboxGeometry, output: TensorView,
  scratch: inout ResizeScratch
) {
  precondition(
    output.height == g.paddedHeight && output.width == g.paddedWidth && output.channels == 3
      && output.pixelStride == 3, "preprocess output shape mismatch")
  precondition(rgb.count >= g.imageWidth * g.imageHeight * 3, "rgb buffer too small")
  if g.resizedWidth == g.imageWidth && g.resizedHeight == g.imageHeight {
    // Already the input size (a 640x512 thermal frame): the resampling weights would all be 1,
    // so this gives the same floats as the general path, x * (1/255), without its two passes.
    copyScaled(rgb: rgb.baseAddress!, geometry: g, output: output.base)
    return
  }
  let key = (g.imageWidth, g.imageHeight, g.resizedWidth, g.resizedHeight)
  if scratch.key != key {
    let area = g.usesAreaResampling
    scratch.horizontal.build(source: g.imageWidth, output: g.resizedWidth, area: area, gain: 1)
    scratch.vertical.build(
      source: g.imageHeight, output: g.resizedHeight, area: area, gain: 1 / 255)
    scratch.key = key
  }
  let rowLength = g.imageWidth * 3
  if scratch.row.count < rowLength {
    scratch.row = [Float](repeating: 0, count: rowLength)
  }
  let src = rgb.baseAddress!
  let out = output.base
  let outRow = g.paddedWidth * 3
  scratch.horizontal.start.withUnsafeBufferPointer { hStart in
    scratch.horizontal.index.withUnsafeBufferPointer { hIndex in
      scratch.horizontal.weights.withUnsafeBufferPointer { hWeight in
        scratch.vertical.start.withUnsafeBufferPointer { vStart in
          scratch.vertical.index.withUnsafeBufferPointer { vIndex in
            scratch.vertical.weights.withUnsafeBufferPointer { vWeight in
              scratch.row.withUnsafeMutableBufferPointer { rowBuffer in
                let acc = rowBuffer.baseAddress!
                for oy in 0..<g.resizedHeight {
                  // Vertical pass: weighted sum of source rows, full source width.
                  acc.update(repeating: 0, count: rowLength)
                  for t in vStart[oy]..<vStart[oy + 1] {
                    let line = src + vIndex[t] * rowLength
                    let w = vWeight[t]
                    for i in 0..<rowLength { acc[i] += w * Float(line[i]) }
                  }
                  // Horizontal pass into the input tensor.
                  let dst = out + oy * outRow
                  for ox in 0..<g.resizedWidth {
                    var r: Float = 0
                    var gr: Float = 0
                    var b: Float = 0
                    for t in hStart[ox]..<hStart[ox + 1] {
                      let p = acc + hIndex[t] * 3
                      let w = hWeight[t]
                      r += w * p[0]
                      gr += w * p[1]
                      b += w * p[2]
                    }
                    dst[ox * 3] = r
                    dst[ox * 3 + 1] = gr
                    dst[ox * 3 + 2] = b
                  }
                  // Right padding.
                  (dst + g.resizedWidth * 3).update(
                    repeating: 0, count: (g.paddedWidth - g.resizedWidth) * 3)
                }
              }
            }
          }
        }
      }
    }
  }
  // Bottom padding.
  (out + g.resizedHeight * outRow).update(
    repeating: 0, count: (g.paddedHeight - g.resizedHeight) * outRow)
}

/// `preprocess` for an image that needs no resizing: each byte times `Float(1 / 255)` (exactly
/// what the general path computes with weights of 1), then the zero padding.
private func copyScaled(
  rgb: UnsafePointer<UInt8>, geometry g: LetterboxGeometry, output: UnsafeMutablePointer<Float>
) {
  let scale: Float = 1 / 255  // the same Float as the general path's gain
  let rowLength = g.imageWidth * 3
  let outRow = g.paddedWidth * 3
  for y in 0..<g.imageHeight {
    let src = rgb + y * rowLength
    let dst = output + y * outRow
    // A plain loop: LLVM vectorises the byte-to-float conversion (SIMD16's generic
    // conversion initialisers are not specialised and cost a call per vector).
    for i in 0..<rowLength { dst[i] = Float(src[i]) * scale }
    (dst + rowLength).update(repeating: 0, count: outRow - rowLength)
  }
  (output + g.imageHeight * outRow).update(
    repeating: 0, count: (g.paddedHeight - g.imageHeight) * outRow)
}
