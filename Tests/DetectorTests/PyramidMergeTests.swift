import Foundation
import SeededRandom
import Testing

@testable import Detector

/// `conv1x1(concat(upsample(low), rest))` runs as a low-resolution 1x1 convolution seeding a
/// 1x1 convolution of `rest` (see `Program`). The sums are the same terms in the same order, so
/// the result must equal, bit for bit, the unfused chain run with the same kernels.
@Suite final class PyramidMergeTests {
  let directory: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "detector-merge-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }()

  deinit { try? FileManager.default.removeItem(at: directory) }

  static func conv(
    _ name: String, _ input: String, _ cin: Int, _ cout: Int, kernel: Int, stride: Int,
    activation: String
  ) -> [String: Any] {
    [
      "name": name, "op": "conv2d", "inputs": [input], "weight": "\(name).weight",
      "bias": "\(name).bias", "in_channels": cin, "out_channels": cout, "kernel": kernel,
      "stride": stride, "padding": kernel / 2, "groups": 1, "activation": activation,
    ]
  }

  /// image -> a (3x3 s2, 16) -> low (3x3 s2, 32) -> up (x2) -> cat [up, a] (48) -> lat (1x1,
  /// 16, relu) -> head (1x1, 7).
  static var nodes: [[String: Any]] {
    [
      conv("a", "image", 3, 16, kernel: 3, stride: 2, activation: "relu"),
      conv("low", "a", 16, 32, kernel: 3, stride: 2, activation: "relu"),
      ["name": "up", "op": "upsample_nearest", "inputs": ["low"], "factor": 2],
      ["name": "cat", "op": "concat", "inputs": ["up", "a"]],
      conv("lat", "cat", 48, 16, kernel: 1, stride: 1, activation: "relu"),
      conv("head", "lat", 16, 7, kernel: 1, stride: 1, activation: "none"),
    ]
  }

  static let shapes: [(String, [Int])] = [
    ("a", [16, 3, 3, 3]), ("low", [32, 16, 3, 3]), ("lat", [16, 48, 1, 1]),
    ("head", [7, 16, 1, 1]),
  ]

  func load() throws -> (DetectorModel, SafeTensorsFile) {
    let graph = LoaderTests.graph {
      $0["nodes"] = Self.nodes
      var head = $0["head"] as! [String: Any]
      head["stride"] = 4
      $0["head"] = head
    }
    var specs: [LoaderTests.TensorSpec] = []
    for (name, shape) in Self.shapes {
      specs.append(.init(name: "\(name).weight", shape: shape))
      specs.append(.init(name: "\(name).bias", shape: [shape[0]]))
    }
    let graphURL = directory.appendingPathComponent("m.json")
    let weightsURL = directory.appendingPathComponent("m.safetensors")
    try graph.write(to: graphURL)
    try LoaderTests.safetensors(specs).write(to: weightsURL)
    return (
      try DetectorModel(graphURL: graphURL, weightsURL: weightsURL),
      try SafeTensorsFile(url: weightsURL)
    )
  }

  @Test func mergedConvolutionEqualsTheUnfusedChain() throws {
    let (model, weights) = try load()
    // The upsample and the concat are gone; the 1x1 convolution is split in two.
    #expect(!model.program.steps.contains { if case .concat = $0.op { true } else { false } })
    #expect(!model.program.steps.contains { if case .upsample = $0.op { true } else { false } })
    #expect(model.program.steps.contains { $0.upsampledInitial?.factor == 2 })

    let (h, w) = (64, 96)
    var rng = SeededRandom(seed: 7)
    let input = Tensor(height: h, width: w, channels: 3, data: rng.floats(h * w * 3))
    let session = InferenceSession(model: model)
    let fused = input.data.withUnsafeBufferPointer {
      session.forward(input: $0, height: h, width: w)
    }

    func run(
      _ x: Tensor, _ name: String, _ cin: Int, _ cout: Int, _ k: Int, _ s: Int,
      _ act: Activation
    ) -> Tensor {
      conv2d(
        x, weight: weights.floats(named: "\(name).weight")!,
        bias: weights.floats(named: "\(name).bias")!,
        parameters: ConvParameters(
          inChannels: cin, outChannels: cout, kernel: k, stride: s, padding: k / 2, groups: 1,
          activation: act))
    }
    let a = run(input, "a", 3, 16, 3, 2, .relu)
    var low = run(a, "low", 16, 32, 3, 2, .relu)
    var up = Tensor(height: low.height * 2, width: low.width * 2, channels: 32)
    withView(&low) { l in withView(&up) { u in upsampleNearest(input: l, output: u, factor: 2) } }
    var aCopy = a
    var cat = Tensor(height: a.height, width: a.width, channels: 48)
    withView(&up) { u in
      withView(&aCopy) { av in withView(&cat) { concatChannels(inputs: [u, av], output: $0) } }
    }
    let lat = run(cat, "lat", 48, 16, 1, 1, .relu)
    let reference = run(lat, "head", 16, 7, 1, 1, .none)

    #expect(fused.shape == reference.shape)
    #expect(fused.data == reference.data, "fused and unfused results differ")
  }
}
