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
/// Rows of A processed per register block.
private let gemmRowBlock = 4
/// Rows of A per cache block: their `K` values stay in L1/L2 while every panel of B passes by.
private let gemmRowChunk = 64

/// `C[i][j] = act(bias[j] + sum_k A[i][k] * B[k][j]) (+ R[i][j])` for `i < m`, `j < B.n`.
///
/// `a` is row-major with leading dimension `lda` (for a 1x1 convolution: pixels x input channels,
/// `lda` = the input's pixel stride); `c` and `residual` likewise with `ldc` / `ldr`. The residual,
/// when given, is added after the activation (a fused `add` node). `c` may not alias `a`; it may
/// alias `residual` exactly (same pointer and stride).
func gemm(
  m: Int, a: UnsafePointer<Float>, lda: Int, b: PackedGemmWeights,
  c: UnsafeMutablePointer<Float>, ldc: Int, activation: Activation,
  residual: UnsafePointer<Float>? = nil, ldr: Int = 0
) {
  let k = b.k
  var chunkStart = 0
  while chunkStart < m {
    let chunkEnd = min(chunkStart + gemmRowChunk, m)
    for panel in 0..<b.panelCount {
      let col = panel * gemmPanelWidth
      let width = min(gemmPanelWidth, b.n - col)
      let bp = b.panels + panel * k * gemmPanelWidth
      let bias = UnsafeRawPointer(b.bias + col).load(as: SIMD16<Float>.self)
      var row = chunkStart
      while row + gemmRowBlock <= chunkEnd {
        gemmKernel4x16(
          k: k, a: a + row * lda, lda: lda, b: bp, bias: bias,
          c: c + row * ldc + col, ldc: ldc, width: width, activation: activation,
          residual: residual.map { $0 + row * ldr + col }, ldr: ldr)
        row += gemmRowBlock
      }
      while row < chunkEnd {
        gemmKernel1x16(
          k: k, a: a + row * lda, b: bp, bias: bias, c: c + row * ldc + col, width: width,
          activation: activation, residual: residual.map { $0 + row * ldr + col })
        row += 1
      }
    }
    chunkStart = chunkEnd
  }
}

@inline(__always)
func gemmStore(
  _ v: SIMD16<Float>, to c: UnsafeMutablePointer<Float>, width: Int, activation: Activation,
  residual: UnsafePointer<Float>?
) {
  var r = applyActivation(v, activation)
  if width == 16 {
    if let residual { r += UnsafeRawPointer(residual).loadUnaligned(as: SIMD16<Float>.self) }
    UnsafeMutableRawPointer(c).storeBytes(of: r, as: SIMD16<Float>.self)
  } else {
    for j in 0..<width { c[j] = r[j] + (residual?[j] ?? 0) }
  }
}

/// 4 rows x 16 columns held in registers across the whole K loop.
@inline(__always)
private func gemmKernel4x16(
  k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, bias: SIMD16<Float>,
  c: UnsafeMutablePointer<Float>, ldc: Int, width: Int, activation: Activation,
  residual: UnsafePointer<Float>?, ldr: Int
) {
  var c0 = bias
  var c1 = bias
  var c2 = bias
  var c3 = bias
  let a0 = a
  let a1 = a + lda
  let a2 = a + 2 * lda
  let a3 = a + 3 * lda
  var bp = UnsafeRawPointer(b)
  for kk in 0..<k {
    let bv = bp.load(as: SIMD16<Float>.self)
    c0 += bv * a0[kk]
    c1 += bv * a1[kk]
    c2 += bv * a2[kk]
    c3 += bv * a3[kk]
    bp += 64
  }
  gemmStore(c0, to: c, width: width, activation: activation, residual: residual)
  gemmStore(
    c1, to: c + ldc, width: width, activation: activation, residual: residual.map { $0 + ldr })
  gemmStore(
    c2, to: c + 2 * ldc, width: width, activation: activation,
    residual: residual.map { $0 + 2 * ldr })
  gemmStore(
    c3, to: c + 3 * ldc, width: width, activation: activation,
    residual: residual.map { $0 + 3 * ldr })
}

@inline(__always)
func gemmKernel1x16(
  k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, bias: SIMD16<Float>,
  c: UnsafeMutablePointer<Float>, width: Int, activation: Activation,
  residual: UnsafePointer<Float>?
) {
  var c0 = bias
  var bp = UnsafeRawPointer(b)
  for kk in 0..<k {
    c0 += bp.load(as: SIMD16<Float>.self) * a[kk]
    bp += 64
  }
  gemmStore(c0, to: c, width: width, activation: activation, residual: residual)
}
