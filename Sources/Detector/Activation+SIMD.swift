import Foundation

// Activations on SIMD registers and on scalars. `replacing(with:where:)` lowers to compare + blend
// on every x86-64 level; `pointwiseMax`/`clamped` currently lower to a per-lane loop, so they are
// avoided in kernels.

@inline(__always)
func applyActivation(_ v: SIMD16<Float>, _ activation: Activation) -> SIMD16<Float> {
  switch activation {
  case .none: return v
  case .relu: return v.replacing(with: 0, where: v .< 0)
  case .relu6:
    let r = v.replacing(with: 0, where: v .< 0)
    return r.replacing(with: 6, where: r .> 6)
  case .silu, .sigmoid:
    // Rare in detection backbones and absent from lookout-det: exact scalar exp per lane.
    var r = v
    for i in 0..<16 { r[i] = applyActivation(v[i], activation) }
    return r
  }
}

@inline(__always)
func applyActivation(_ v: SIMD8<Float>, _ activation: Activation) -> SIMD8<Float> {
  switch activation {
  case .none: return v
  case .relu: return v.replacing(with: 0, where: v .< 0)
  case .relu6:
    let r = v.replacing(with: 0, where: v .< 0)
    return r.replacing(with: 6, where: r .> 6)
  case .silu, .sigmoid:
    var r = v
    for i in 0..<8 { r[i] = applyActivation(v[i], activation) }
    return r
  }
}

@inline(__always)
func applyActivation(_ v: Float, _ activation: Activation) -> Float {
  switch activation {
  case .none: return v
  case .relu: return v < 0 ? 0 : v
  case .relu6: return v < 0 ? 0 : (v > 6 ? 6 : v)
  case .silu: return v / (1 + exp(-v))
  case .sigmoid: return 1 / (1 + exp(-v))
  }
}

/// The logistic function, computed without overflow for large |x|.
@inline(__always)
func sigmoid(_ x: Float) -> Float {
  if x >= 0 { return 1 / (1 + exp(-x)) }
  let e = exp(x)
  return e / (1 + e)
}

/// An activation known at compile time, so that kernels generic over it are specialised with
/// the activation inlined into their epilogue (no switch per stored vector). `RuntimeActivation`
/// covers the rare ones.
protocol KernelActivation {
  func callAsFunction(_ v: SIMD16<Float>) -> SIMD16<Float>
  func callAsFunction(_ v: Float) -> Float
}

struct IdentityActivation: KernelActivation {
  @inline(__always) func callAsFunction(_ v: SIMD16<Float>) -> SIMD16<Float> { v }
  @inline(__always) func callAsFunction(_ v: Float) -> Float { v }
}

struct ReLUActivation: KernelActivation {
  @inline(__always) func callAsFunction(_ v: SIMD16<Float>) -> SIMD16<Float> {
    v.replacing(with: 0, where: v .< 0)
  }
  @inline(__always) func callAsFunction(_ v: Float) -> Float { v < 0 ? 0 : v }
}

struct ReLU6Activation: KernelActivation {
  @inline(__always) func callAsFunction(_ v: SIMD16<Float>) -> SIMD16<Float> {
    let r = v.replacing(with: 0, where: v .< 0)
    return r.replacing(with: 6, where: r .> 6)
  }
  @inline(__always) func callAsFunction(_ v: Float) -> Float { v < 0 ? 0 : (v > 6 ? 6 : v) }
}

struct RuntimeActivation: KernelActivation {
  var activation: Activation
  @inline(__always) func callAsFunction(_ v: SIMD16<Float>) -> SIMD16<Float> {
    applyActivation(v, activation)
  }
  @inline(__always) func callAsFunction(_ v: Float) -> Float { applyActivation(v, activation) }
}
