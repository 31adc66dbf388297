/// Depthwise 3x3 weights (`groups == in == out channels`), repacked once at load time tap-major:
/// tap `t = ky * 3 + kx` holds the weights of every channel contiguously (`[9][C]`, each row padded
/// to a multiple of 16 and 64-byte aligned), so one SIMD load gives 16 channels of one tap.
struct PackedDepthwiseWeights: Sendable {
  let channels: Int
  /// Channel stride of the packed rows (`channels` rounded up to 16).
  let paddedChannels: Int
  private let storage: AlignedBuffer

  /// `weight(c, ky, kx)` is PyTorch's `weight[c][0][ky][kx]`.
  init(channels: Int, weight: (Int, Int, Int) -> Float, bias: (Int) -> Float) {
    self.channels = channels
    paddedChannels = (channels + 15) / 16 * 16
    storage = AlignedBuffer(count: paddedChannels * 10)
    for t in 0..<9 {
      for c in 0..<channels { storage.pointer[t * paddedChannels + c] = weight(c, t / 3, t % 3) }
    }
    for c in 0..<channels { storage.pointer[9 * paddedChannels + c] = bias(c) }
  }

  @inline(__always) func tap(_ t: Int) -> UnsafePointer<Float> {
    UnsafePointer(storage.pointer + t * paddedChannels)
  }
  @inline(__always) var bias: UnsafePointer<Float> {
    UnsafePointer(storage.pointer + 9 * paddedChannels)
  }
}

@inline(__always)
private func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}

/// Depthwise 3x3 convolution, padding 1, stride 1 or 2, bias and activation fused. SIMD across
/// channels (16 at a time; leftover channels are done one by one). `output` must have the shape
/// PyTorch gives: `(H + 2 - 3) / stride + 1` each way, and the same channel count as `input`.
func depthwiseConv3x3(
  input: TensorView, output: TensorView, stride: Int, weights: PackedDepthwiseWeights,
  activation: Activation
) {
  switch activation {
  case .none: depthwiseConv3x3(input, output, stride, weights, IdentityActivation())
  case .relu: depthwiseConv3x3(input, output, stride, weights, ReLUActivation())
  case .relu6: depthwiseConv3x3(input, output, stride, weights, ReLU6Activation())
  case .silu, .sigmoid:
    depthwiseConv3x3(input, output, stride, weights, RuntimeActivation(activation: activation))
  }
}

private func depthwiseConv3x3<Act: KernelActivation>(
  _ input: TensorView, _ output: TensorView, _ stride: Int, _ weights: PackedDepthwiseWeights,
  _ act: Act
) {
  let channels = input.channels
  precondition(stride == 1 || stride == 2, "depthwise fast path takes stride 1 or 2")
  precondition(
    output.channels == channels && weights.channels == channels
      && output.height == (input.height - 1) / stride + 1
      && output.width == (input.width - 1) / stride + 1, "depthwise shape mismatch")
  let vectorChannels = channels / 16 * 16
  let ps = input.pixelStride
  let rs = input.rowStride
  let inH = input.height
  let inW = input.width
  let ops = output.pixelStride
  // Output columns whose three input columns are all inside: ox * stride - 1 >= 0 and
  // ox * stride + 1 < inW.
  let interiorStart = min(1, output.width)
  let interiorEnd = max(interiorStart, min(output.width, (inW - 2) / stride + 1))

  /// One output pixel's 16 channels at `cb`, any position (taps outside the input skipped).
  @inline(__always) func borderPixel(_ oy: Int, _ ox: Int, _ cb: Int) {
    let iy0 = oy * stride - 1
    let ix0 = ox * stride - 1
    var acc = load16(weights.bias + cb)
    for ky in 0..<3 {
      let iy = iy0 + ky
      if iy < 0 || iy >= inH { continue }
      for kx in 0..<3 {
        let ix = ix0 + kx
        if ix < 0 || ix >= inW { continue }
        acc = acc.addingProduct(
          load16(input.pixel(iy, ix) + cb), load16(weights.tap(ky * 3 + kx) + cb))
      }
    }
    UnsafeMutableRawPointer(output.pixel(oy, ox) + cb).storeBytes(
      of: act(acc), as: SIMD16<Float>.self)
  }

  for oy in 0..<output.height {
    let iy0 = oy * stride - 1
    let rowsInside = iy0 >= 0 && iy0 + 2 < inH
    var cb = 0
    while cb < vectorChannels {
      if !rowsInside {
        for ox in 0..<output.width { borderPixel(oy, ox, cb) }
        cb += 16
        continue
      }
      let w0 = load16(weights.tap(0) + cb)
      let w1 = load16(weights.tap(1) + cb)
      let w2 = load16(weights.tap(2) + cb)
      let w3 = load16(weights.tap(3) + cb)
      let w4 = load16(weights.tap(4) + cb)
      let w5 = load16(weights.tap(5) + cb)
      let w6 = load16(weights.tap(6) + cb)
      let w7 = load16(weights.tap(7) + cb)
      let w8 = load16(weights.tap(8) + cb)
      let bias = load16(weights.bias + cb)
      for ox in 0..<interiorStart { borderPixel(oy, ox, cb) }
      var p = UnsafePointer(input.base + iy0 * rs + (interiorStart * stride - 1) * ps + cb)
      var out = UnsafeMutableRawPointer(output.pixel(oy, interiorStart) + cb)
      let step = stride * ps
      for _ in interiorStart..<interiorEnd {
        // One partial sum per kernel row: three short FMA chains instead of one long one.
        let q = p + rs
        let r = q + rs
        var top = bias.addingProduct(load16(p), w0)
        var mid = load16(q) * w3
        var bottom = load16(r) * w6
        top = top.addingProduct(load16(p + ps), w1)
        mid = mid.addingProduct(load16(q + ps), w4)
        bottom = bottom.addingProduct(load16(r + ps), w7)
        top = top.addingProduct(load16(p + 2 * ps), w2)
        mid = mid.addingProduct(load16(q + 2 * ps), w5)
        bottom = bottom.addingProduct(load16(r + 2 * ps), w8)
        out.storeBytes(of: act(top + mid + bottom), as: SIMD16<Float>.self)
        p += step
        out += ops * MemoryLayout<Float>.stride
      }
      for ox in interiorEnd..<output.width { borderPixel(oy, ox, cb) }
      cb += 16
    }
    // Leftover channels (fewer than 16): scalar.
    if vectorChannels < channels {
      for ox in 0..<output.width {
        let ix0 = ox * stride - 1
        let out = output.pixel(oy, ox)
        for c in vectorChannels..<channels {
          var acc = weights.bias[c]
          for ky in 0..<3 {
            let iy = iy0 + ky
            if iy < 0 || iy >= inH { continue }
            for kx in 0..<3 {
              let ix = ix0 + kx
              if ix < 0 || ix >= inW { continue }
              acc += input.pixel(iy, ix)[c] * weights.tap(ky * 3 + kx)[c]
            }
          }
          out[c] = act(acc)
        }
      }
    }
  }
}
