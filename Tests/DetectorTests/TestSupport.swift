import Foundation
import Testing

@testable import Detector

/// Paths derived from this file's location, so tests need no resources bundle and no Python.
enum Paths {
  static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  static let repoRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
  static let models = repoRoot.appendingPathComponent("Models")
  static let parity = testsDirectory.appendingPathComponent("Fixtures/parity.safetensors")
}

/// The PyTorch parity fixture, parsed once.
let parityFixture: SafeTensorsFile = try! SafeTensorsFile(url: Paths.parity)

/// One case's parameters as `export.py` writes them.
struct ParityCase: Decodable, Sendable {
  var op: String
  var kernel: Int?
  var stride: Int?
  var padding: Int?
  var groups: Int?
  var in_channels: Int?
  var out_channels: Int?
  var activation: String?
  var factor: Int?
}

/// `{case name: params}` from the fixture's `__metadata__["cases"]`.
let parityCases: [String: ParityCase] = {
  let json = parityFixture.metadata["cases"]!.data(using: .utf8)!
  return try! JSONDecoder().decode([String: ParityCase].self, from: json)
}()

/// The parity tolerance: every element must satisfy `|got - ref| <= tolerance * (1 + |ref|)`.
/// Float32 sums in another order than PyTorch's differ by a few ulps per layer.
func maxRelativeError(_ got: [Float], _ reference: [Float]) -> Float {
  precondition(got.count == reference.count)
  var worst: Float = 0
  for (g, r) in zip(got, reference) {
    let e = abs(g - r) / (1 + abs(r))
    if !(e <= worst) { worst = e.isNaN ? .infinity : e }
  }
  return worst
}

/// Runs `body` with a view over `tensor`'s storage (contiguous HWC).
func withView<R>(_ tensor: inout Tensor, _ body: (TensorView) -> R) -> R {
  let (h, w, c) = (tensor.height, tensor.width, tensor.channels)
  return tensor.data.withUnsafeMutableBufferPointer {
    body(TensorView(base: $0.baseAddress!, height: h, width: w, channels: c))
  }
}
