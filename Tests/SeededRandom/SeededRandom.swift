/// A deterministic pseudo-random generator (SplitMix64) for seeded test data: the same seed
/// gives the same sequence on every machine and in every run, so a failing case can be replayed.
/// Shared by the test targets (one copy, where each target once had its own).
public struct SeededRandom: RandomNumberGenerator, Sendable {
  public var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in -1...1, from the top 24 bits.
  public mutating func float() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }

  /// `n` values of ``float()``.
  public mutating func floats(_ n: Int) -> [Float] { (0..<n).map { _ in float() } }

  /// Uniform in 0..<1, from the top 53 bits.
  public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

  /// An integer in `range` (by remainder: a bias too small to matter for test data).
  public mutating func int(_ range: ClosedRange<Int>) -> Int {
    range.lowerBound + Int(next() % UInt64(range.count))
  }
}
