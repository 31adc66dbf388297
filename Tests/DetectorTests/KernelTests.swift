import SeededRandom
import Testing

@testable import Detector

/// The SIMD kernels against naive loops on awkward sizes (tails of rows, panels and channel
/// blocks; strided views), tolerance `1e-5 * (1 + |ref|)`.
@Suite struct KernelTests {
  static let tolerance: Float = 1e-5

  struct GemmShape: Sendable, CustomTestStringConvertible {
    var m, k, n: Int
    var testDescription: String { "\(m)x\(k)x\(n)" }
  }

  static let gemmShapes: [GemmShape] = {
    var shapes: [GemmShape] = []
    for m in [1, 3, 4, 7, 17, 33, 65, 100] {
      for (k, n) in [(1, 1), (7, 5), (17, 16), (33, 17), (16, 33), (100, 7), (64, 160), (27, 16)] {
        shapes.append(GemmShape(m: m, k: k, n: n))
      }
    }
    return shapes
  }()

  @Test(arguments: gemmShapes, [Activation.none, .relu6])
  func gemmMatchesNaive(_ shape: GemmShape, _ activation: Activation) {
    let (m, k, n) = (shape.m, shape.k, shape.n)
    var rng = SeededRandom(seed: UInt64(m * 10_000 + k * 100 + n))
    // Leading dimensions larger than the logical sizes, as for channel slices.
    let lda = k + 3
    let ldc = n + 5
    let a = rng.floats(m * lda).map { $0 * 4 }
    let b = rng.floats(k * n)
    let bias = rng.floats(n)
    let residual = rng.floats(m * ldc)
    let packed = PackedGemmWeights(k: k, n: n, element: { b[$0 * n + $1] }, bias: { bias[$0] })
    for useResidual in [false, true] {
      var c = [Float](repeating: 42, count: m * ldc)
      a.withUnsafeBufferPointer { ap in
        residual.withUnsafeBufferPointer { rp in
          c.withUnsafeMutableBufferPointer { cp in
            gemm(
              m: m, a: ap.baseAddress!, lda: lda, b: packed, c: cp.baseAddress!, ldc: ldc,
              activation: activation, residual: useResidual ? rp.baseAddress! : nil, ldr: ldc)
          }
        }
      }
      var worst: Float = 0
      for i in 0..<m {
        for j in 0..<ldc {
          let got = c[i * ldc + j]
          if j >= n {
            #expect(got == 42, "wrote past n at \(i),\(j)")
            continue
          }
          var ref = Double(bias[j])
          for kk in 0..<k { ref += Double(a[i * lda + kk]) * Double(b[kk * n + j]) }
          var r = applyActivation(Float(ref), activation)
          if useResidual { r += residual[i * ldc + j] }
          worst = max(worst, abs(got - r) / (1 + abs(r)))
        }
      }
      #expect(worst <= Self.tolerance, "\(shape.testDescription) residual \(useResidual): \(worst)")
    }
  }

  /// Direct convolution in doubles, PyTorch semantics; weight `[out][in/groups][k][k]`.
  static func naiveConv(
    _ input: Tensor, weight: [Float], bias: [Float], p: ConvParameters
  ) -> Tensor {
    let size = p.outputSize(height: input.height, width: input.width)
    var out = Tensor(height: size.height, width: size.width, channels: p.outChannels)
    let cinG = p.inChannels / p.groups
    let coutG = p.outChannels / p.groups
    for oy in 0..<size.height {
      for ox in 0..<size.width {
        for o in 0..<p.outChannels {
          let g = o / coutG
          var acc = Double(bias[o])
          for ci in 0..<cinG {
            for ky in 0..<p.kernel {
              for kx in 0..<p.kernel {
                let iy = oy * p.stride - p.padding + ky
                let ix = ox * p.stride - p.padding + kx
                guard iy >= 0, iy < input.height, ix >= 0, ix < input.width else { continue }
                let w = weight[((o * cinG + ci) * p.kernel + ky) * p.kernel + kx]
                acc += Double(w) * Double(input[iy, ix, g * cinG + ci])
              }
            }
          }
          out[oy, ox, o] = applyActivation(Float(acc), p.activation)
        }
      }
    }
    return out
  }

  struct ConvCase: Sendable, CustomTestStringConvertible {
    var h, w, cin, cout, kernel, stride, padding, groups: Int
    var testDescription: String {
      "\(h)x\(w)x\(cin)->\(cout) k\(kernel) s\(stride) p\(padding) g\(groups)"
    }
  }

  static let convCases: [ConvCase] = [
    // Depthwise fast path: channel counts around the 16-wide blocks, tiny and odd images.
    ConvCase(h: 1, w: 1, cin: 16, cout: 16, kernel: 3, stride: 1, padding: 1, groups: 16),
    ConvCase(h: 2, w: 3, cin: 1, cout: 1, kernel: 3, stride: 1, padding: 1, groups: 1),
    ConvCase(h: 7, w: 5, cin: 15, cout: 15, kernel: 3, stride: 1, padding: 1, groups: 15),
    ConvCase(h: 5, w: 9, cin: 17, cout: 17, kernel: 3, stride: 2, padding: 1, groups: 17),
    ConvCase(h: 8, w: 8, cin: 33, cout: 33, kernel: 3, stride: 2, padding: 1, groups: 33),
    ConvCase(h: 6, w: 11, cin: 64, cout: 64, kernel: 3, stride: 1, padding: 1, groups: 64),
    ConvCase(h: 1, w: 2, cin: 32, cout: 32, kernel: 3, stride: 2, padding: 1, groups: 32),
    // General path: stems, grouped, no padding, 1x1 strided, depthwise without padding.
    ConvCase(h: 9, w: 13, cin: 3, cout: 16, kernel: 3, stride: 2, padding: 1, groups: 1),
    ConvCase(h: 6, w: 7, cin: 6, cout: 9, kernel: 3, stride: 1, padding: 0, groups: 3),
    ConvCase(h: 7, w: 7, cin: 5, cout: 20, kernel: 1, stride: 2, padding: 0, groups: 1),
    ConvCase(h: 6, w: 5, cin: 8, cout: 8, kernel: 3, stride: 1, padding: 0, groups: 8),
    ConvCase(h: 10, w: 4, cin: 4, cout: 3, kernel: 5, stride: 2, padding: 2, groups: 1),
    ConvCase(h: 9, w: 27, cin: 3, cout: 20, kernel: 3, stride: 2, padding: 1, groups: 1),
    ConvCase(h: 5, w: 19, cin: 8, cout: 34, kernel: 3, stride: 1, padding: 1, groups: 2),
    ConvCase(h: 6, w: 14, cin: 5, cout: 7, kernel: 5, stride: 1, padding: 2, groups: 1),
    // Pointwise GEMM path.
    ConvCase(h: 3, w: 7, cin: 19, cout: 21, kernel: 1, stride: 1, padding: 0, groups: 1),
  ]

  @Test(arguments: convCases, [Activation.relu, .silu])
  func convolutionMatchesNaive(_ c: ConvCase, _ activation: Activation) {
    let p = ConvParameters(
      inChannels: c.cin, outChannels: c.cout, kernel: c.kernel, stride: c.stride,
      padding: c.padding, groups: c.groups, activation: activation)
    var rng = SeededRandom(seed: UInt64(c.h * 1000 + c.cin * 10 + c.kernel))
    let input = Tensor(
      height: c.h, width: c.w, channels: c.cin, data: rng.floats(c.h * c.w * c.cin))
    let weight = rng.floats(c.cout * (c.cin / c.groups) * c.kernel * c.kernel)
    let bias = rng.floats(c.cout)
    var reference = Self.naiveConv(input, weight: weight, bias: bias, p: p)
    let conv = weight.withUnsafeBufferPointer { w in
      bias.withUnsafeBufferPointer { b in PackedConv(parameters: p, weight: w, bias: b) }
    }
    // Input and output as channel slices of wider tensors (pixel stride > channels), as concat
    // inputs are laid out.
    let extraIn = 5
    let extraOut = 3
    var wideIn = [Float](repeating: .nan, count: c.h * c.w * (c.cin + extraIn))
    for i in 0..<(c.h * c.w) {
      for ch in 0..<c.cin {
        wideIn[i * (c.cin + extraIn) + extraIn + ch] = input.data[i * c.cin + ch]
      }
    }
    let (oh, ow) = (reference.height, reference.width)
    var wideOut = [Float](repeating: -7, count: oh * ow * (c.cout + extraOut))
    var scratch = [Float](repeating: .nan, count: max(1, conv.scratchCount(outputWidth: ow)))
    // The GEMM paths also take a fused residual (added after the activation).
    let residual = rng.floats(oh * ow * c.cout)
    let residualBuffer = UnsafeMutablePointer<Float>.allocate(capacity: residual.count)
    residualBuffer.initialize(from: residual, count: residual.count)
    defer { residualBuffer.deallocate() }
    let useResidual: Bool = { if case .gemm = conv.weights { return true } else { return false } }()
    if useResidual {
      for i in reference.data.indices { reference.data[i] += residual[i] }
    }
    wideIn.withUnsafeMutableBufferPointer { ip in
      wideOut.withUnsafeMutableBufferPointer { op in
        scratch.withUnsafeMutableBufferPointer { sp in
          conv.run(
            input: TensorView(
              base: ip.baseAddress! + extraIn, height: c.h, width: c.w, channels: c.cin,
              pixelStride: c.cin + extraIn),
            output: TensorView(
              base: op.baseAddress!, height: oh, width: ow, channels: c.cout,
              pixelStride: c.cout + extraOut),
            residual: useResidual
              ? TensorView(base: residualBuffer, height: oh, width: ow, channels: c.cout) : nil,
            scratch: sp.baseAddress!)
        }
      }
    }
    var got = [Float]()
    for i in 0..<(oh * ow) {
      for ch in 0..<c.cout { got.append(wideOut[i * (c.cout + extraOut) + ch]) }
      for ch in 0..<extraOut { #expect(wideOut[i * (c.cout + extraOut) + c.cout + ch] == -7) }
    }
    let error = maxRelativeError(got, reference.data)
    #expect(error <= Self.tolerance, "\(c.testDescription): \(error)")
  }

  @Test func depthwiseCasesUseTheFastPath() {
    let p = ConvParameters(
      inChannels: 17, outChannels: 17, kernel: 3, stride: 2, padding: 1, groups: 17,
      activation: .relu)
    let w = [Float](repeating: 0.5, count: 17 * 9)
    let b = [Float](repeating: 0, count: 17)
    let conv = w.withUnsafeBufferPointer { wp in
      b.withUnsafeBufferPointer { PackedConv(parameters: p, weight: wp, bias: $0) }
    }
    guard case .depthwise = conv.weights else {
      Issue.record("depthwise 3x3 not on the fast path")
      return
    }
    #expect(conv.scratchCount(outputWidth: 100) == 0)
  }

  @Test func activations() {
    let v: [Float] = [-7, -1, 0, 0.5, 3, 6, 9]
    #expect(v.map { applyActivation($0, .relu) } == [0, 0, 0, 0.5, 3, 6, 9])
    #expect(v.map { applyActivation($0, .relu6) } == [0, 0, 0, 0.5, 3, 6, 6])
    #expect(abs(applyActivation(0, .sigmoid) - 0.5) < 1e-7)
    #expect(abs(applyActivation(1, .silu) - 0.7310586) < 1e-6)
    var simd = SIMD16<Float>(repeating: 0)
    for i in 0..<16 { simd[i] = Float(i) - 8 }
    let relu6 = applyActivation(simd, .relu6)
    let silu = applyActivation(simd, .silu)
    for i in 0..<16 {
      #expect(relu6[i] == applyActivation(simd[i], .relu6))
      #expect(silu[i] == applyActivation(simd[i], .silu))
    }
    #expect(sigmoid(-100) >= 0 && sigmoid(-100) < 1e-30)
    #expect(sigmoid(100) == 1)
  }
}
