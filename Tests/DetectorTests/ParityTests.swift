import Foundation
import Testing

@testable import Detector

/// Per-op and whole-model parity against PyTorch (`scripts/export.py` wrote the fixture).
///
/// Tolerance: every element satisfies `|swift - torch| <= 1e-4 * (1 + |torch|)`, for single
/// operations and for the whole model alike (float32 sums in another order than PyTorch's; the
/// whole model measured about 5e-7 with the random weights).
@Suite struct ParityTests {
  static let opTolerance: Float = 1e-4
  static let modelTolerance: Float = 1e-4

  static let convCases = parityCases.filter { $0.value.op == "conv2d" }.keys.sorted()

  @Test func fixtureHasEveryExpectedCase() {
    let expected: Set = [
      "conv3x3_s2", "conv3x3_s1", "depthwise_s1", "depthwise_s2", "pointwise_small",
      "pointwise_odd", "pointwise_wide", "grouped3x3", "conv5x5_s1", "upsample2", "maxpool3_s1",
      "maxpool2_s2", "avgpool2_s2", "concat", "add", "model_small", "model_medium",
    ]
    #expect(Set(parityCases.keys) == expected)
  }

  @Test(arguments: convCases)
  func convolution(_ name: String) throws {
    let params = parityCases[name]!
    let p = ConvParameters(
      inChannels: params.in_channels!, outChannels: params.out_channels!, kernel: params.kernel!,
      stride: params.stride!, padding: params.padding!, groups: params.groups!,
      activation: Activation(rawValue: params.activation!)!)
    let input = try #require(parityFixture.tensor(named: name + ".input"))
    let reference = try #require(parityFixture.tensor(named: name + ".output"))
    let weight = try #require(parityFixture.floats(named: name + ".weight"))
    let bias = try #require(parityFixture.floats(named: name + ".bias"))
    // The fast paths are the ones under test where they apply.
    if name.hasPrefix("depthwise") { #expect(p.isDepthwise3x3) }
    if name.hasPrefix("pointwise") { #expect(p.isPointwise) }
    let output = conv2d(input, weight: weight, bias: bias, parameters: p)
    #expect(output.shape == reference.shape)
    let error = maxRelativeError(output.data, reference.data)
    #expect(error <= Self.opTolerance, "\(name): max relative error \(error)")
  }

  @Test func upsample() throws {
    var input = try #require(parityFixture.tensor(named: "upsample2.input"))
    let reference = try #require(parityFixture.tensor(named: "upsample2.output"))
    var output = Tensor(
      height: reference.height, width: reference.width, channels: reference.channels)
    withView(&input) { i in
      withView(&output) { o in upsampleNearest(input: i, output: o, factor: 2) }
    }
    #expect(output.data == reference.data)
  }

  @Test(arguments: ["maxpool3_s1", "maxpool2_s2", "avgpool2_s2"])
  func pooling(_ name: String) throws {
    let params = parityCases[name]!
    let p = PoolParameters(kernel: params.kernel!, stride: params.stride!, padding: params.padding!)
    var input = try #require(parityFixture.tensor(named: name + ".input"))
    let reference = try #require(parityFixture.tensor(named: name + ".output"))
    let size = p.outputSize(height: input.height, width: input.width)
    #expect(size.height == reference.height && size.width == reference.width)
    var output = Tensor(
      height: reference.height, width: reference.width, channels: reference.channels)
    withView(&input) { i in
      withView(&output) { o in
        if name.hasPrefix("max") {
          maxPool(input: i, output: o, parameters: p)
        } else {
          averagePool(input: i, output: o, parameters: p)
        }
      }
    }
    #expect(maxRelativeError(output.data, reference.data) <= Self.opTolerance)
  }

  @Test func concat() throws {
    var a = try #require(parityFixture.tensor(named: "concat.input"))
    var b = try #require(parityFixture.tensor(named: "concat.input2"))
    let reference = try #require(parityFixture.tensor(named: "concat.output"))
    var output = Tensor(
      height: reference.height, width: reference.width, channels: reference.channels)
    withView(&a) { av in
      withView(&b) { bv in withView(&output) { o in concatChannels(inputs: [av, bv], output: o) } }
    }
    #expect(output.data == reference.data)
  }

  @Test func add() throws {
    var a = try #require(parityFixture.tensor(named: "add.input"))
    var b = try #require(parityFixture.tensor(named: "add.input2"))
    let reference = try #require(parityFixture.tensor(named: "add.output"))
    var output = Tensor(
      height: reference.height, width: reference.width, channels: reference.channels)
    withView(&a) { av in
      withView(&b) { bv in withView(&output) { o in addTensors(av, bv, output: o) } }
    }
    #expect(maxRelativeError(output.data, reference.data) <= Self.opTolerance)
  }

  static let model: DetectorModel = try! DetectorModel(directory: Paths.models)

  @Test(arguments: ["model_small", "model_medium"])
  func wholeModel(_ name: String) throws {
    let input = try #require(parityFixture.tensor(named: name + ".input"))
    let reference = try #require(parityFixture.tensor(named: name + ".output"))
    let session = InferenceSession(model: Self.model)
    let output = input.data.withUnsafeBufferPointer {
      session.forward(input: $0, height: input.height, width: input.width)
    }
    #expect(output.shape == reference.shape)
    let error = maxRelativeError(output.data, reference.data)
    print("\(name): max relative error \(error)")
    #expect(error <= Self.modelTolerance, "\(name): max relative error \(error)")
    // A second run on the same planned buffers gives the same bits.
    let again = input.data.withUnsafeBufferPointer {
      session.forward(input: $0, height: input.height, width: input.width)
    }
    #expect(again == output)
  }
}
