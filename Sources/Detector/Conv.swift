/// Parameters of a 2-D convolution (square kernel, same stride and padding both ways), as in the
/// graph's `conv2d` nodes and PyTorch's `nn.Conv2d`.
struct ConvParameters: Sendable, Equatable {
  var inChannels: Int
  var outChannels: Int
  var kernel: Int
  var stride: Int
  var padding: Int
  var groups: Int
  var activation: Activation

  func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
    ((height + 2 * padding - kernel) / stride + 1, (width + 2 * padding - kernel) / stride + 1)
  }

  var isPointwise: Bool { kernel == 1 && stride == 1 && padding == 0 && groups == 1 }
  var isDepthwise3x3: Bool {
    kernel == 3 && padding == 1 && (stride == 1 || stride == 2) && groups == inChannels
      && inChannels == outChannels
  }
  /// Length of one im2col row for the general path: `kernel^2 * inChannels / groups`.
  var patchLength: Int { kernel * kernel * (inChannels / groups) }
}

/// A convolution with its weights repacked for the kernel that will run it:
/// - 1x1, stride 1, no padding, one group: the GEMM directly on the input pixels;
/// - depthwise 3x3 (padding 1, stride 1 or 2): `depthwiseConv3x3`;
/// - anything else (the 3-channel stem, grouped, 5x5, ...): an implicit GEMM with the same packed
///   panels, one per group (`convolveDirect`).
struct PackedConv: Sendable {
  enum Weights: Sendable {
    case gemm([PackedGemmWeights])  // one per group
    case depthwise(PackedDepthwiseWeights)
  }
  let parameters: ConvParameters
  let weights: Weights

  /// `weight` is PyTorch's `[out][in / groups][k][k]`, flattened; `bias` has `out` values.
  init(
    parameters p: ConvParameters, weight: UnsafeBufferPointer<Float>,
    bias: UnsafeBufferPointer<Float>
  ) {
    precondition(p.inChannels % p.groups == 0 && p.outChannels % p.groups == 0, "bad groups")
    let cinG = p.inChannels / p.groups
    let coutG = p.outChannels / p.groups
    let kk = p.kernel * p.kernel
    precondition(weight.count == p.outChannels * cinG * kk && bias.count == p.outChannels)
    parameters = p
    if p.isDepthwise3x3 {
      weights = .depthwise(
        PackedDepthwiseWeights(
          channels: p.outChannels, weight: { c, ky, kx in weight[c * 9 + ky * 3 + kx] },
          bias: { bias[$0] }))
    } else {
      // im2col order of a patch: (ky, kx, ci), matching HWC input.
      weights = .gemm(
        (0..<p.groups).map { g in
          PackedGemmWeights(
            k: kk * cinG, n: coutG,
            element: { k, n in
              let tap = k / cinG
              let ci = k % cinG
              return weight[((g * coutG + n) * cinG + ci) * kk + tap]
            },
            bias: { bias[g * coutG + $0] })
        })
    }
  }

  /// Floats of scratch the general path needs (one patch; 0 for the other paths). The width
  /// parameter is kept for callers that size scratch per output row.
  func scratchCount(outputWidth: Int) -> Int {
    if parameters.isPointwise { return 0 }
    if case .depthwise = weights { return 0 }
    return parameters.patchLength
  }

  /// Runs the convolution. `residual` (same shape as `output`) is added after the activation;
  /// only the GEMM paths take one. `scratch` needs `scratchCount(outputWidth:)` floats.
  ///
  /// `upsampledInitial` (1x1 convolutions only): a tensor `factor` times smaller than `output`
  /// with `outChannels` channels (a multiple of 16), whose nearest-upsampled values replace the
  /// bias as the starting point of the sums (see `GemmUpsampledInitial`).
  func run(
    input: TensorView, output: TensorView, residual: TensorView? = nil,
    upsampledInitial: (tensor: TensorView, factor: Int)? = nil,
    scratch: UnsafeMutablePointer<Float>?
  ) {
    let p = parameters
    let size = p.outputSize(height: input.height, width: input.width)
    precondition(
      input.channels == p.inChannels && output.channels == p.outChannels
        && output.height == size.height && output.width == size.width, "conv shape mismatch")
    switch weights {
    case .depthwise(let w):
      precondition(residual == nil, "depthwise path takes no residual")
      depthwiseConv3x3(
        input: input, output: output, stride: p.stride, weights: w, activation: p.activation)
    case .gemm(let groups):
      if let upsampledInitial {
        let (low, factor) = upsampledInitial
        precondition(
          p.isPointwise && low.channels == p.outChannels && p.outChannels % 16 == 0
            && low.height * factor == output.height && low.width * factor == output.width,
          "upsampled initial values do not fit this convolution")
      }
      if p.isPointwise && input.pixelStride * input.width == input.rowStride
        && output.pixelStride * output.width == output.rowStride
      {
        gemm(
          m: input.height * input.width, a: input.base, lda: input.pixelStride, b: groups[0],
          c: output.base, ldc: output.pixelStride, activation: p.activation,
          residual: residual.map { UnsafePointer($0.base) }, ldr: residual?.pixelStride ?? 0,
          initial: upsampledInitial.map {
            GemmUpsampledInitial(
              base: UnsafePointer($0.tensor.base), pixelStride: $0.tensor.pixelStride,
              width: $0.tensor.width, factor: $0.factor, outputWidth: output.width)
          })
      } else {
        precondition(upsampledInitial == nil, "upsampled initial values need a 1x1 GEMM")
        guard let scratch else { preconditionFailure("general convolution needs scratch") }
        convolveDirect(
          input: input, output: output, residual: residual, groups: groups, scratch: scratch)
      }
    }
  }

  /// The general path as an implicit GEMM: for blocks of 6 output pixels whose patches lie
  /// inside the input, the micro-kernel reads the patches straight from the input through a
  /// table of tap offsets (no im2col copy); pixels near the border have their zero-padded patch
  /// gathered into `scratch` (im2col of one pixel) and go through the one-row GEMM kernel.
  private func convolveDirect(
    input: TensorView, output: TensorView, residual: TensorView?, groups: [PackedGemmWeights],
    scratch: UnsafeMutablePointer<Float>
  ) {
    switch parameters.activation {
    case .none:
      convolveDirect(input, output, residual, groups, scratch, IdentityActivation())
    case .relu:
      convolveDirect(input, output, residual, groups, scratch, ReLUActivation())
    case .relu6:
      convolveDirect(input, output, residual, groups, scratch, ReLU6Activation())
    case .silu, .sigmoid:
      convolveDirect(
        input, output, residual, groups, scratch,
        RuntimeActivation(activation: parameters.activation))
    }
  }

  private func convolveDirect<Act: KernelActivation>(
    _ input: TensorView, _ output: TensorView, _ residual: TensorView?,
    _ groups: [PackedGemmWeights], _ scratch: UnsafeMutablePointer<Float>, _ act: Act
  ) {
    let p = parameters
    let cinG = p.inChannels / p.groups
    let coutG = p.outChannels / p.groups
    let patch = p.patchLength
    let tapCount = p.kernel * p.kernel
    let ps = input.pixelStride
    let block = convTilePixels
    withUnsafeTemporaryAllocation(of: Int.self, capacity: tapCount) { tapBuffer in
      let taps = tapBuffer.baseAddress!
      for ky in 0..<p.kernel {
        for kx in 0..<p.kernel { taps[ky * p.kernel + kx] = ky * input.rowStride + kx * ps }
      }
      for g in 0..<p.groups {
        let weights = groups[g]
        for oy in 0..<output.height {
          let iy0 = oy * p.stride - p.padding
          let rowInside = iy0 >= 0 && iy0 + p.kernel <= input.height
          var ox = 0
          while ox < output.width {
            let ix0 = ox * p.stride - p.padding
            let out = output.pixel(oy, ox) + g * coutG
            let res = residual.map { UnsafePointer($0.pixel(oy, ox) + g * coutG) }
            let ldr = residual?.pixelStride ?? 0
            if rowInside && ox + block <= output.width && ix0 >= 0
              && ix0 + (block - 1) * p.stride + p.kernel <= input.width
            {
              let a = UnsafePointer(input.pixel(iy0, ix0) + g * cinG)
              for panel in 0..<weights.panelCount {
                let col = panel * gemmPanelWidth
                convTile6x16(
                  taps: taps, tapCount: tapCount, channels: cinG, a: a, pixelStep: p.stride * ps,
                  b: weights.panels + panel * patch * gemmPanelWidth,
                  bias: UnsafeRawPointer(weights.bias + col).load(as: SIMD16<Float>.self),
                  c: out + col, ldc: output.pixelStride, width: min(gemmPanelWidth, coutG - col),
                  residual: res.map { $0 + col }, ldr: ldr, act)
              }
              ox += block
              continue
            }
            // One border pixel: gather its zero-padded patch, [ky][kx][ci].
            var dst = scratch
            for ky in 0..<p.kernel {
              let iy = iy0 + ky
              for kx in 0..<p.kernel {
                let ix = ix0 + kx
                if iy < 0 || iy >= input.height || ix < 0 || ix >= input.width {
                  for ci in 0..<cinG { dst[ci] = 0 }
                } else {
                  let src = input.pixel(iy, ix) + g * cinG
                  for ci in 0..<cinG { dst[ci] = src[ci] }
                }
                dst += cinG
              }
            }
            for panel in 0..<weights.panelCount {
              let col = panel * gemmPanelWidth
              gemmTile1x16(
                k: patch, a: scratch, b: weights.panels + panel * patch * gemmPanelWidth,
                bias: UnsafeRawPointer(weights.bias + col).load(as: SIMD16<Float>.self),
                c: out + col, width: min(gemmPanelWidth, coutG - col),
                residual: res.map { $0 + col }, act)
            }
            ox += 1
          }
        }
      }
    }
  }
}

/// Output pixels per implicit-GEMM tile.
private let convTilePixels = 6

/// The implicit-GEMM micro-kernel: 6 output pixels (patch origins `pixelStep` floats apart) x 16
/// output channels; patch element `(tap, ci)` of pixel `r` is `a[r * pixelStep + taps[tap] + ci]`.
/// Three input channels (an RGB stem) have their own unrolled loop.
@inline(__always)
private func convTile6x16<Act: KernelActivation>(
  taps: UnsafePointer<Int>, tapCount: Int, channels: Int, a: UnsafePointer<Float>, pixelStep: Int,
  b: UnsafePointer<Float>, bias: SIMD16<Float>, c: UnsafeMutablePointer<Float>, ldc: Int,
  width: Int, residual: UnsafePointer<Float>?, ldr: Int, _ act: Act
) {
  var c0 = bias
  var c1 = bias
  var c2 = bias
  var c3 = bias
  var c4 = bias
  var c5 = bias
  var bp = UnsafeRawPointer(b)
  @inline(__always) func step(_ p0: UnsafePointer<Float>, _ ci: Int) {
    let bv = bp.load(as: SIMD16<Float>.self)
    c0 = c0.addingProduct(bv, p0[ci])
    c1 = c1.addingProduct(bv, p0[pixelStep + ci])
    c2 = c2.addingProduct(bv, p0[2 * pixelStep + ci])
    c3 = c3.addingProduct(bv, p0[3 * pixelStep + ci])
    c4 = c4.addingProduct(bv, p0[4 * pixelStep + ci])
    c5 = c5.addingProduct(bv, p0[5 * pixelStep + ci])
    bp += 64
  }
  if channels == 3 {
    for t in 0..<tapCount {
      let p0 = a + taps[t]
      step(p0, 0)
      step(p0, 1)
      step(p0, 2)
    }
  } else {
    for t in 0..<tapCount {
      let p0 = a + taps[t]
      for ci in 0..<channels { step(p0, ci) }
    }
  }
  gemmStore(c0, to: c, width: width, residual: residual, act)
  gemmStore(c1, to: c + ldc, width: width, residual: residual.map { $0 + ldr }, act)
  gemmStore(c2, to: c + 2 * ldc, width: width, residual: residual.map { $0 + 2 * ldr }, act)
  gemmStore(c3, to: c + 3 * ldc, width: width, residual: residual.map { $0 + 3 * ldr }, act)
  gemmStore(c4, to: c + 4 * ldc, width: width, residual: residual.map { $0 + 4 * ldr }, act)
  gemmStore(c5, to: c + 5 * ldc, width: width, residual: residual.map { $0 + 5 * ldr }, act)
}

/// Convenience for tests and tools (allocates): runs one convolution on an HWC tensor with
/// PyTorch-layout weights (`[out][in / groups][k][k]`) and returns the HWC result.
func conv2d(
  _ input: Tensor, weight: [Float], bias: [Float], parameters p: ConvParameters
) -> Tensor {
  let conv = weight.withUnsafeBufferPointer { w in
    bias.withUnsafeBufferPointer { b in PackedConv(parameters: p, weight: w, bias: b) }
  }
  let size = p.outputSize(height: input.height, width: input.width)
  var input = input
  var output = Tensor(height: size.height, width: size.width, channels: p.outChannels)
  var scratch = [Float](repeating: 0, count: max(1, conv.scratchCount(outputWidth: size.width)))
  let (h, w, c) = (input.height, input.width, input.channels)
  input.data.withUnsafeMutableBufferPointer { ip in
    output.data.withUnsafeMutableBufferPointer { op in
      scratch.withUnsafeMutableBufferPointer { sp in
        conv.run(
          input: TensorView(base: ip.baseAddress!, height: h, width: w, channels: c),
          output: TensorView(
            base: op.baseAddress!, height: size.height, width: size.width, channels: p.outChannels),
          scratch: sp.baseAddress!)
      }
    }
  }
  return output
}
