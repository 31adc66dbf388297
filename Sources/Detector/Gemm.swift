/// The B operand of a GEMM (`K x N`, e.g. a 1x1 convolution's weights as `[Cin][Cout]`) repacked
/// once at load time into column panels of `gemmPanelWidth` (16): panel `p` holds
/// `B[k][16p ..< 16p + 16]` for `k` in `0..<K`, contiguous and 64-byte aligned, zero past `N`.
/// The bias (length `N`) is padded the same way. Immutable after init, hence `Sendable`.
struct PackedGemmWeights: Sendable {
  let k: Int
  let n: Int
  let panelCount: Int
  private let storage: AlignedBuffer

  /// `element(k, n)` is `B[k][n]`; `bias(n)` the bias of output column `n`.
  init(k: Int, n: Int, element: (Int, Int) -> Float, bias: (Int) -> Float) {
    precondition(k > 0 && n > 0, "empty GEMM operand")
    self.k = k
    self.n = n
    panelCount = (n + gemmPanelWidth - 1) / gemmPanelWidth
    storage = AlignedBuffer(count: panelCount * gemmPanelWidth * (k + 1))
    let p = storage.pointer
    for panel in 0..<panelCount {
      for kk in 0..<k {
        for j in 0..<gemmPanelWidth where panel * gemmPanelWidth + j < n {
          p[(panel * k + kk) * gemmPanelWidth + j] = element(kk, panel * gemmPanelWidth + j)
        }
      }
    }
    let b = p + panelCount * gemmPanelWidth * k
    for j in 0..<n { b[j] = bias(j) }
  }

  @inline(__always) var panels: UnsafePointer<Float> { UnsafePointer(storage.pointer) }
  @inline(__always) var bias: UnsafePointer<Float> {
    UnsafePointer(storage.pointer + panelCount * gemmPanelWidth * k)
  }
}

let gemmPanelWidth = 16
/// Rows of A per register tile: 6 accumulators of 16 floats (6 zmm with AVX-512, 12 ymm with
/// AVX2, which still leaves registers for the B vector and the broadcast), enough independent
/// FMA chains to cover the FMA latency.
let gemmTileRows = 6
/// Rows of A per cache block (a multiple of `gemmTileRows`): their `K` values stay in L1/L2
/// while every panel of B passes by.
private let gemmRowChunk = 48

/// `C[i][j] = act(bias[j] + sum_k A[i][k] * B[k][j]) (+ R[i][j])` for `i < m`, `j < B.n`.
///
/// `a` is row-major with leading dimension `lda` (for a 1x1 convolution: pixels x input channels,
/// `lda` = the input's pixel stride); `c` and `residual` likewise with `ldc` / `ldr`. The residual,
/// when given, is added after the activation (a fused `add` node). `c` may not alias `a`; it may
/// alias `residual` exactly (same pointer and stride). Products are accumulated with fused
/// multiply-adds, in order of `k`.
func gemm(
  m: Int, a: UnsafePointer<Float>, lda: Int, b: PackedGemmWeights,
  c: UnsafeMutablePointer<Float>, ldc: Int, activation: Activation,
  residual: UnsafePointer<Float>? = nil, ldr: Int = 0, initial: GemmUpsampledInitial? = nil
) {
  switch activation {
  case .none:
    gemm(m, a, lda, b, c, ldc, residual, ldr, initial, IdentityActivation())
  case .relu:
    gemm(m, a, lda, b, c, ldc, residual, ldr, initial, ReLUActivation())
  case .relu6:
    gemm(m, a, lda, b, c, ldc, residual, ldr, initial, ReLU6Activation())
  case .silu, .sigmoid:
    gemm(
      m, a, lda, b, c, ldc, residual, ldr, initial, RuntimeActivation(activation: activation))
  }
}

/// Starting values of a GEMM's accumulators taken from a smaller tensor, upsampled (nearest) on
/// the fly, instead of the bias: row `i` of `C` (pixel `(i / outputWidth, i % outputWidth)`)
/// starts from pixel `(y / factor, x / factor)` of `base`. This is how a 1x1 convolution over
/// `concat(upsample(low), rest)` runs without the upsample, the concat or 3/4 of the FLOPs: the
/// `low` part is a GEMM at low resolution (with the bias) whose result seeds this one.
struct GemmUpsampledInitial {
  var base: UnsafePointer<Float>
  var pixelStride: Int
  /// Width of the `base` tensor.
  var width: Int
  var factor: Int
  /// Width of the full-resolution output (pixels per row of `C`).
  var outputWidth: Int
}

@inline(__always)
private func gemm<Act: KernelActivation>(
  _ m: Int, _ a: UnsafePointer<Float>, _ lda: Int, _ b: PackedGemmWeights,
  _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ residual: UnsafePointer<Float>?, _ ldr: Int,
  _ initial: GemmUpsampledInitial?, _ act: Act
) {
  let k = b.k
  withUnsafeTemporaryAllocation(of: Int.self, capacity: gemmRowChunk) { offsetBuffer in
    // Per row of the chunk: where its starting values are in `initial.base`.
    let offsets = offsetBuffer.baseAddress!
    var chunkStart = 0
    while chunkStart < m {
      let chunkEnd = min(chunkStart + gemmRowChunk, m)
      if let initial {
        var y = chunkStart / initial.outputWidth
        var x = chunkStart % initial.outputWidth
        for i in 0..<(chunkEnd - chunkStart) {
          offsets[i] = ((y / initial.factor) * initial.width + x / initial.factor)
            * initial.pixelStride
          x += 1
          if x == initial.outputWidth {
            x = 0
            y += 1
          }
        }
      }
      for panel in 0..<b.panelCount {
        let col = panel * gemmPanelWidth
        let width = min(gemmPanelWidth, b.n - col)
        let bp = b.panels + panel * k * gemmPanelWidth
        let bias = UnsafeRawPointer(b.bias + col).load(as: SIMD16<Float>.self)
        let start = initial.map { $0.base + col }
        var row = chunkStart
        while row + gemmTileRows <= chunkEnd {
          gemmTile6x16(
            k: k, a: a + row * lda, lda: lda, b: bp, bias: bias,
            initial: start, offsets: offsets + (row - chunkStart), c: c + row * ldc + col,
            ldc: ldc, width: width, residual: residual.map { $0 + row * ldr + col }, ldr: ldr,
            act)
          row += gemmTileRows
        }
        while row < chunkEnd {
          gemmTile1x16(
            k: k, a: a + row * lda, b: bp,
            bias: start.map { load16($0 + offsets[row - chunkStart]) } ?? bias,
            c: c + row * ldc + col, width: width,
            residual: residual.map { $0 + row * ldr + col }, act)
          row += 1
        }
      }
      chunkStart = chunkEnd
    }
  }
}

@inline(__always)
private func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}

/// Writes one row of a tile: activation, then the residual, then the first `width` lanes.
@inline(__always)
func gemmStore<Act: KernelActivation>(
  _ v: SIMD16<Float>, to c: UnsafeMutablePointer<Float>, width: Int,
  residual: UnsafePointer<Float>?, _ act: Act
) {
  var r = act(v)
  if width == 16 {
    if let residual { r += UnsafeRawPointer(residual).loadUnaligned(as: SIMD16<Float>.self) }
    UnsafeMutableRawPointer(c).storeBytes(of: r, as: SIMD16<Float>.self)
  } else {
    for j in 0..<width { c[j] = r[j] + (residual?[j] ?? 0) }
  }
}

/// 6 rows x 16 columns held in registers across the whole K loop. The accumulators start from
/// `bias`, or when `initial` is given from `initial + offsets[row]`.
@inline(__always)
private func gemmTile6x16<Act: KernelActivation>(
  k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, bias: SIMD16<Float>,
  initial: UnsafePointer<Float>?, offsets: UnsafePointer<Int>,
  c: UnsafeMutablePointer<Float>, ldc: Int, width: Int, residual: UnsafePointer<Float>?,
  ldr: Int, _ act: Act
) {
  var c0 = bias
  var c1 = bias
  var c2 = bias
  var c3 = bias
  var c4 = bias
  var c5 = bias
  if let initial {
    c0 = load16(initial + offsets[0])
    c1 = load16(initial + offsets[1])
    c2 = load16(initial + offsets[2])
    c3 = load16(initial + offsets[3])
    c4 = load16(initial + offsets[4])
    c5 = load16(initial + offsets[5])
  }
  let a0 = a
  let a1 = a0 + lda
  let a2 = a1 + lda
  let a3 = a2 + lda
  let a4 = a3 + lda
  let a5 = a4 + lda
  var bp = UnsafeRawPointer(b)
  for kk in 0..<k {
    let bv = bp.load(as: SIMD16<Float>.self)
    c0 = c0.addingProduct(bv, a0[kk])
    c1 = c1.addingProduct(bv, a1[kk])
    c2 = c2.addingProduct(bv, a2[kk])
    c3 = c3.addingProduct(bv, a3[kk])
    c4 = c4.addingProduct(bv, a4[kk])
    c5 = c5.addingProduct(bv, a5[kk])
    bp += 64
  }
  gemmStore(c0, to: c, width: width, residual: residual, act)
  gemmStore(c1, to: c + ldc, width: width, residual: residual.map { $0 + ldr }, act)
  gemmStore(c2, to: c + 2 * ldc, width: width, residual: residual.map { $0 + 2 * ldr }, act)
  gemmStore(c3, to: c + 3 * ldc, width: width, residual: residual.map { $0 + 3 * ldr }, act)
  gemmStore(c4, to: c + 4 * ldc, width: width, residual: residual.map { $0 + 4 * ldr }, act)
  gemmStore(c5, to: c + 5 * ldc, width: width, residual: residual.map { $0 + 5 * ldr }, act)
}

@inline(__always)
func gemmTile1x16<Act: KernelActivation>(
  k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, bias: SIMD16<Float>,
  c: UnsafeMutablePointer<Float>, width: Int, residual: UnsafePointer<Float>?, _ act: Act
) {
  var c0 = bias
  var bp = UnsafeRawPointer(b)
  for kk in 0..<k {
    c0 = c0.addingProduct(bp.load(as: SIMD16<Float>.self), a[kk])
    bp += 64
  }
  gemmStore(c0, to: c, width: width, residual: residual, act)
}
