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
/// - anything else (the 3-channel stem, grouped, 5x5, ...): per output row, im2col of the patches
///   into scratch, then the same GEMM, one per group.
struct PackedConv: Sendable {
  enum Weights: Sendable {
    case gemm([PackedGemmWeights])  // one per group
    case depthwise(PackedDepthwiseWeights)
  }
  let parameters: ConvParameters
  let weights: Weights

  /// `weight` is PyTorch's `[out][in / groups][k][k]`, flattened; `bias` has `out` values.
  init(parameters p: ConvParameters, weight: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>) {
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

  /// Floats of scratch the general path needs for an output `width` (0 for the other paths).
  func scratchCount(outputWidth: Int) -> Int {
    if parameters.isPointwise { return 0 }
    if case .depthwise = weights { return 0 }
    return outputWidth * parameters.patchLength
  }

  /// Runs the convolution. `residual` (same shape as `output`) is added after the activation;
  /// only the GEMM paths take one. `scratch` needs `scratchCount(outputWidth:)` floats.
  func run(
    input: TensorView, output: TensorView, residual: TensorView? = nil,
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
      if p.isPointwise && input.pixelStride * input.width == input.rowStride
        && output.pixelStride * output.width == output.rowStride
      {
        gemm(
          m: input.height * input.width, a: input.base, lda: input.pixelStride, b: groups[0],
          c: output.base, ldc: output.pixelStride, activation: p.activation,
          residual: residual.map { UnsafePointer($0.base) }, ldr: residual?.pixelStride ?? 0)
      } else {
        guard let scratch else { preconditionFailure("general convolution needs scratch") }
        convolveIm2col(input: input, output: output, residual: residual, groups: groups, scratch: scratch)
      }
    }
  }

  private func convolveIm2col(
    input: TensorView, output: TensorView, residual: TensorView?, groups: [PackedGemmWeights],
    scratch: UnsafeMutablePointer<Float>
  ) {
    let p = parameters
    let cinG = p.inChannels / p.groups
    let coutG = p.outChannels / p.groups
    let patch = p.patchLength
    for oy in 0..<output.height {
      for g in 0..<p.groups {
        // Gather the patch of every output pixel in this row: [outW][ky][kx][ci].
        for ox in 0..<output.width {
          var dst = scratch + ox * patch
          for ky in 0..<p.kernel {
            let iy = oy * p.stride - p.padding + ky
            for kx in 0..<p.kernel {
              let ix = ox * p.stride - p.padding + kx
              if iy < 0 || iy >= input.height || ix < 0 || ix >= input.width {
                dst.update(repeating: 0, count: cinG)
              } else {
                dst.update(from: input.pixel(iy, ix) + g * cinG, count: cinG)
              }
              dst += cinG
            }
          }
        }
        gemm(
          m: output.width, a: scratch, lda: patch, b: groups[g],
          c: output.pixel(oy, 0) + g * coutG, ldc: output.pixelStride, activation: p.activation,
          residual: residual.map { UnsafePointer($0.pixel(oy, 0) + g * coutG) },
          ldr: residual?.pixelStride ?? 0)
      }
    }
  }
}
