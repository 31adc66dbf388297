import Foundation
import LookoutCore

/// A loaded detector: the parsed graph plus its weights repacked for the kernels.
///
/// Immutable after `init`, so one instance is shared by every worker (`Sendable`); each worker
/// runs it through its own `InferenceSession`.
public final class DetectorModel: Sendable {
  /// The graph's `name`.
  public let name: String
  /// The graph's `model_version`.
  public let version: String
  /// The parsed graph JSON.
  public let graph: ModelGraph
  let program: Program

  /// Loads `graphURL` (graph JSON) and `weightsURL` (safetensors, F32). Throws `ModelLoadError`.
  public convenience init(graphURL: URL, weightsURL: URL) throws(ModelLoadError) {
    try self.init(
      graphData: try readModelFile(graphURL), graphFile: graphURL.path,
      weightsData: try readModelFile(weightsURL), weightsFile: weightsURL.path)
  }

  /// Builds the model from a graph JSON's and a safetensors file's bytes, already read (so a
  /// caller can digest exactly the weights it loaded); the file names only name them in errors.
  public init(
    graphData: Data, graphFile: String, weightsData: Data, weightsFile: String
  ) throws(ModelLoadError) {
    let graph: ModelGraph
    do {
      graph = try JSONDecoder().decode(ModelGraph.self, from: graphData)
    } catch {
      throw .invalidJSON(file: graphFile, reason: describe(error))
    }
    let structure = try GraphStructure(graph: graph, file: graphFile)
    let weights = try SafeTensorsFile(bytes: weightsData, file: weightsFile)
    self.program = try Program(structure: structure, graph: graph, weights: weights)
    self.graph = graph
    self.name = graph.name
    self.version = graph.modelVersion
  }

  /// Loads `<directory>/<name>.json` and `<directory>/<name>.safetensors`.
  public convenience init(directory: URL, name: String = "lookout-det") throws(ModelLoadError) {
    try self.init(
      graphURL: directory.appendingPathComponent(name + ".json"),
      weightsURL: directory.appendingPathComponent(name + ".safetensors"))
  }
}

/// The graph's operations with checked parameters, before weights: value ids (0 = the graph
/// input, `i + 1` = node `i`) and static channel counts.
struct GraphStructure {
  enum Op {
    case conv(ConvParameters, weight: String, bias: String)
    case add
    case concat
    case upsample(factor: Int)
    case maxPool(PoolParameters)
    case avgPool(PoolParameters)
  }

  var ops: [Op] = []
  var inputs: [[Int]] = []
  /// Channels of each value.
  var channels: [Int] = []
  var outputValue = 0

  init(graph: ModelGraph, file: String) throws(ModelLoadError) {
    func fail(_ reason: String) -> ModelLoadError { .invalidGraph(file: file, reason: reason) }
    guard graph.format == "lookout-graph" else {
      throw fail("format is '\(graph.format)', not 'lookout-graph'")
    }
    guard graph.formatVersion == 1 else {
      throw fail("unsupported format_version \(graph.formatVersion)")
    }
    guard graph.input.channels == 3, graph.input.layout == "HWC" else {
      throw fail("input must be 3-channel HWC")
    }
    guard graph.input.sizeMultiple > 0 else { throw fail("input size_multiple must be positive") }
    if let coarse = graph.coarsePass {
      guard coarse.longSide >= graph.input.sizeMultiple, coarse.longSide <= 4096,
        coarse.minExtent >= 0, coarse.minExtent <= 1
      else {
        throw fail(
          "coarse_pass needs long_side \(graph.input.sizeMultiple)...4096 and min_extent 0...1, "
            + "not \(coarse.longSide) and \(coarse.minExtent)")
      }
    }

    var valueOf: [String: Int] = [graph.input.name: 0]
    channels = [3]
    for (i, node) in graph.nodes.enumerated() {
      func bad(_ reason: String) -> ModelLoadError {
        .invalidNode(file: file, node: node.name, reason: reason)
      }
      func need(_ value: Int?, _ key: String) throws(ModelLoadError) -> Int {
        guard let value else { throw bad("missing '\(key)'") }
        return value
      }
      guard valueOf[node.name] == nil else { throw bad("duplicate name") }
      var ins: [Int] = []
      for input in node.inputs {
        guard let v = valueOf[input] else {
          throw ModelLoadError.undefinedInput(file: file, node: node.name, input: input)
        }
        ins.append(v)
      }
      let inChannels = ins.map { channels[$0] }
      let op: Op
      let outChannels: Int
      switch node.op {
      case "conv2d":
        guard ins.count == 1 else { throw bad("conv2d takes one input, got \(ins.count)") }
        guard let actName = node.activation else { throw bad("missing 'activation'") }
        guard let activation = Activation(rawValue: actName) else {
          throw bad("unknown activation '\(actName)'")
        }
        let p = ConvParameters(
          inChannels: try need(node.inChannels, "in_channels"),
          outChannels: try need(node.outChannels, "out_channels"),
          kernel: try need(node.kernel, "kernel"), stride: try need(node.stride, "stride"),
          padding: try need(node.padding, "padding"), groups: try need(node.groups, "groups"),
          activation: activation)
        guard p.inChannels > 0, p.outChannels > 0, p.kernel > 0, p.stride > 0, p.padding >= 0,
          p.groups > 0, p.inChannels % p.groups == 0, p.outChannels % p.groups == 0
        else { throw bad("inconsistent conv2d parameters") }
        guard inChannels[0] == p.inChannels else {
          throw bad("in_channels is \(p.inChannels) but the input has \(inChannels[0])")
        }
        guard let weight = node.weight else { throw bad("missing 'weight'") }
        guard let bias = node.bias else { throw bad("missing 'bias'") }
        op = .conv(p, weight: weight, bias: bias)
        outChannels = p.outChannels
      case "add":
        guard ins.count == 2 else { throw bad("add takes two inputs, got \(ins.count)") }
        guard inChannels[0] == inChannels[1] else { throw bad("add of \(inChannels) channels") }
        op = .add
        outChannels = inChannels[0]
      case "concat":
        guard !ins.isEmpty else { throw bad("concat without inputs") }
        guard Set(ins).count == ins.count else { throw bad("concat lists an input twice") }
        op = .concat
        outChannels = inChannels.reduce(0, +)
      case "upsample_nearest":
        guard ins.count == 1 else { throw bad("upsample_nearest takes one input") }
        let factor = try need(node.factor, "factor")
        guard factor >= 1 else { throw bad("factor must be >= 1") }
        op = .upsample(factor: factor)
        outChannels = inChannels[0]
      case "maxpool", "avgpool":
        guard ins.count == 1 else { throw bad("\(node.op) takes one input") }
        let p = PoolParameters(
          kernel: try need(node.kernel, "kernel"), stride: node.stride ?? node.kernel!,
          padding: node.padding ?? 0)
        guard p.kernel > 0, p.stride > 0, p.padding >= 0, 2 * p.padding <= p.kernel else {
          throw bad("inconsistent pooling parameters")
        }
        op = node.op == "maxpool" ? .maxPool(p) : .avgPool(p)
        outChannels = inChannels[0]
      default:
        throw ModelLoadError.unknownOp(file: file, node: node.name, op: node.op)
      }
      ops.append(op)
      inputs.append(ins)
      channels.append(outChannels)
      valueOf[node.name] = i + 1
    }
    guard let out = valueOf[graph.output], out > 0 else {
      throw fail("output '\(graph.output)' is not a node")
    }
    outputValue = out

    let head = graph.head
    guard head.type == "centernet" else { throw fail("head type '\(head.type)' is not centernet") }
    guard head.stride > 0, graph.input.sizeMultiple % head.stride == 0 else {
      throw fail("head stride \(head.stride) does not divide size_multiple")
    }
    guard !head.heatmapChannels.isEmpty,
      head.heatmapChannels.count <= DetectionClass.allCases.count,
      head.classes.count == head.heatmapChannels.count,
      zip(head.classes, DetectionClass.allCases).allSatisfy({ $0 == $1.name })
    else { throw fail("head classes \(head.classes) are not a prefix of animal, person, vehicle") }
    guard head.offsetChannels.count == 2, head.logSizeChannels.count == 2 else {
      throw fail("head needs two offset and two log-size channels")
    }
    let all = head.heatmapChannels + head.offsetChannels + head.logSizeChannels
    guard all.allSatisfy({ $0 >= 0 && $0 < channels[out] }) else {
      throw fail("head channels \(all) do not fit the output's \(channels[out]) channels")
    }
  }
}

/// What an `InferenceSession` executes: steps over value ids with weights packed, `add` nodes fused
/// into the 1x1 convolution that feeds them where possible, concat inputs written in place, and
/// `conv1x1(concat(upsample(low), rest))` (a feature-pyramid merge) run as a 1x1 convolution of
/// `low` at low resolution whose upsampled result seeds a 1x1 convolution of `rest`. The sums are
/// the same, term for term and in the same order (the bias, then the upsampled channels, then the
/// rest), so the results are bit-identical, with neither the upsampled copy nor the concat
/// materialised and the upsampled channels' multiply-adds done once per low-resolution pixel.
struct Program: Sendable {
  enum Op: Sendable {
    case conv(PackedConv)
    case add
    /// Copies the inputs that are not already slices of the output.
    case concat
    case upsample(factor: Int)
    case maxPool(PoolParameters)
    case avgPool(PoolParameters)
  }

  struct Step: Sendable {
    var name: String
    var op: Op
    var inputs: [Int]
    /// Value added after the activation (a fused `add`), same shape as the output.
    var residual: Int?
    var output: Int
    /// A 1x1 convolution's starting values instead of its bias: this value, upsampled (nearest)
    /// by `factor` (a fused upsample + concat, see `Program`).
    var upsampledInitial: (value: Int, factor: Int)? = nil
  }

  /// A value written directly into a channel slice of a concat's output.
  struct Slice: Sendable {
    var parent: Int
    var channelOffset: Int
  }

  var steps: [Step] = []
  var channels: [Int]
  var slices: [Slice?]
  var outputValue: Int
  var sizeMultiple: Int
  var head: ModelGraph.Head

  init(structure s: GraphStructure, graph: ModelGraph, weights: SafeTensorsFile)
    throws(ModelLoadError)
  {
    channels = s.channels
    outputValue = s.outputValue
    sizeMultiple = graph.input.sizeMultiple
    head = graph.head
    let valueCount = s.channels.count
    var uses = [Int](repeating: 0, count: valueCount)
    for ins in s.inputs { for v in ins { uses[v] += 1 } }
    uses[outputValue] += 1

    // Fuse `add(x, conv)` when the conv runs as a GEMM and only the add reads its output.
    var fusedInto: [Int: (add: Int, residual: Int)] = [:]  // conv node -> add node, other input
    var fusedAdds = Set<Int>()
    for (i, op) in s.ops.enumerated() {
      guard case .add = op else { continue }
      for (k, v) in s.inputs[i].enumerated() where v > 0 {
        let producer = v - 1
        guard case .conv(let p, _, _) = s.ops[producer], !p.isDepthwise3x3, uses[v] == 1,
          fusedInto[producer] == nil
        else { continue }
        fusedInto[producer] = (i, s.inputs[i][1 - k])
        fusedAdds.insert(i)
        break
      }
    }

    var concatUses = [Int](repeating: 0, count: valueCount)
    for (i, op) in s.ops.enumerated() {
      if case .concat = op { for v in s.inputs[i] { concatUses[v] += 1 } }
    }

    // conv1x1(concat(upsample(low), rest)), each intermediate read only by the next node: the
    // conv (node index) -> (upsample node, concat node, low value, rest value, factor).
    var pyramidMerges: [Int: (upsample: Int, concat: Int, low: Int, rest: Int, factor: Int)] = [:]
    for (i, op) in s.ops.enumerated() {
      guard case .conv(let p, _, _) = op, p.isPointwise, p.outChannels % 16 == 0 else { continue }
      let cat = s.inputs[i][0]
      guard cat > 0, case .concat = s.ops[cat - 1], uses[cat] == 1, cat != outputValue,
        s.inputs[cat - 1].count == 2
      else { continue }
      let up = s.inputs[cat - 1][0]
      let rest = s.inputs[cat - 1][1]
      guard up > 0, case .upsample(let factor) = s.ops[up - 1], uses[up] == 1,
        up != outputValue, rest != up
      else { continue }
      // The fused GEMM writes whole pixels: its output must not be a concat's channel slice.
      let written = fusedInto[i].map { $0.add + 1 } ?? i + 1
      guard concatUses[written] == 0 && concatUses[i + 1] == 0 else { continue }
      pyramidMerges[i] = (up - 1, cat - 1, s.inputs[up - 1][0], rest, factor)
    }
    let mergedAway = Set(pyramidMerges.values.flatMap { [$0.upsample, $0.concat] })

    // Concat inputs that only the concat reads (and are not the graph input or output) become
    // slices of it: their producers write straight into the concat's memory.
    slices = [Slice?](repeating: nil, count: valueCount)
    for (i, op) in s.ops.enumerated() {
      guard case .concat = op, !mergedAway.contains(i) else { continue }
      var offset = 0
      for v in s.inputs[i] {
        let isConcat: Bool = {
          if v > 0, case .concat = s.ops[v - 1] { return true } else { return false }
        }()
        if v > 0 && concatUses[v] == 1 && v != outputValue && !isConcat {
          slices[v] = Slice(parent: i + 1, channelOffset: offset)
        }
        offset += s.channels[v]
      }
    }

    for (i, op) in s.ops.enumerated() {
      if fusedAdds.contains(i) || mergedAway.contains(i) { continue }
      let name = graph.nodes[i].name
      var step = Step(name: name, op: .add, inputs: s.inputs[i], residual: nil, output: i + 1)
      switch op {
      case .conv(let p, let weightName, let biasName):
        guard let wEntry = weights.entries[weightName] else {
          throw ModelLoadError.missingTensor(file: weights.file, tensor: weightName, node: name)
        }
        guard let bEntry = weights.entries[biasName] else {
          throw ModelLoadError.missingTensor(file: weights.file, tensor: biasName, node: name)
        }
        let wShape = [p.outChannels, p.inChannels / p.groups, p.kernel, p.kernel]
        guard wEntry.shape == wShape else {
          throw ModelLoadError.shapeMismatch(
            file: weights.file, tensor: weightName, expected: wShape, actual: wEntry.shape)
        }
        guard bEntry.shape == [p.outChannels] else {
          throw ModelLoadError.shapeMismatch(
            file: weights.file, tensor: biasName, expected: [p.outChannels], actual: bEntry.shape)
        }
        let w = weights.floats(named: weightName)!
        let b = weights.floats(named: biasName)!
        if let fused = fusedInto[i] {
          step.residual = fused.residual
          step.output = fused.add + 1
        }
        if let merge = pyramidMerges[i] {
          // Split the weights [out][in] at the upsampled input's channel count: the first part
          // runs at low resolution with the bias, the second seeds from its result.
          let lowChannels = s.channels[merge.low]
          let restChannels = p.inChannels - lowChannels
          var lowParameters = p
          lowParameters.inChannels = lowChannels
          lowParameters.activation = .none
          var restParameters = p
          restParameters.inChannels = restChannels
          let lowWeights = (0..<p.outChannels).flatMap { o in
            w[(o * p.inChannels)..<(o * p.inChannels + lowChannels)]
          }
          let restWeights = (0..<p.outChannels).flatMap { o in
            w[(o * p.inChannels + lowChannels)..<((o + 1) * p.inChannels)]
          }
          let unusedBias = [Float](repeating: 0, count: p.outChannels)
          let seed = channels.count
          channels.append(p.outChannels)
          slices.append(nil)
          let low = lowWeights.withUnsafeBufferPointer { wp in
            b.withUnsafeBufferPointer { bp in
              PackedConv(parameters: lowParameters, weight: wp, bias: bp)
            }
          }
          let rest = restWeights.withUnsafeBufferPointer { wp in
            unusedBias.withUnsafeBufferPointer { bp in
              PackedConv(parameters: restParameters, weight: wp, bias: bp)
            }
          }
          steps.append(
            Step(
              name: name + ".low", op: .conv(low), inputs: [merge.low], residual: nil,
              output: seed))
          step.op = .conv(rest)
          step.inputs = [merge.rest]
          step.upsampledInitial = (seed, merge.factor)
        } else {
          let packed = w.withUnsafeBufferPointer { wp in
            b.withUnsafeBufferPointer { bp in PackedConv(parameters: p, weight: wp, bias: bp) }
          }
          step.op = .conv(packed)
        }
      case .add: step.op = .add
      case .concat: step.op = .concat
      case .upsample(let f): step.op = .upsample(factor: f)
      case .maxPool(let p): step.op = .maxPool(p)
      case .avgPool(let p): step.op = .avgPool(p)
      }
      steps.append(step)
    }
  }
}
