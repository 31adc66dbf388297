/// Options for `InferenceSession.detect`.
public struct DetectionOptions: Sendable, Equatable {
  /// The image is resized (keeping its aspect ratio) so its longer side has this many pixels.
  public var inputLongSide: Int
  /// Detections with a lower confidence (sigmoid of the heat-map logit) are dropped.
  public var minimumConfidence: Float
  /// Same-class detections overlapping a more confident one by more than this IoU are dropped.
  public var iouThreshold: Float
  /// Detections overlapping a more confident one of another class by more than this IoU are
  /// dropped: one class per box (see `nonMaximumSuppression`).
  public var crossClassIoUThreshold: Float
  /// At most this many detections are returned (the most confident).
  public var maxDetections: Int
  /// Whether the model's coarse pass runs (`ModelGraph.coarsePass`, when its graph has one and
  /// its long side is below `inputLongSide`). Tiles turn it off: they look for small things.
  public var usesCoarsePass: Bool

  /// The default `crossClassIoUThreshold`: boxes of two classes this much alike are one object.
  /// scripts/train.py decodes with the same value (`CROSS_CLASS_IOU`).
  public static let defaultCrossClassIoUThreshold: Float = 0.6

  public init(
    inputLongSide: Int = 640, minimumConfidence: Float = 0.05, iouThreshold: Float = 0.5,
    crossClassIoUThreshold: Float = DetectionOptions.defaultCrossClassIoUThreshold,
    maxDetections: Int = 100, usesCoarsePass: Bool = true
  ) {
    self.inputLongSide = inputLongSide
    self.minimumConfidence = minimumConfidence
    self.iouThreshold = iouThreshold
    self.crossClassIoUThreshold = crossClassIoUThreshold
    self.maxDetections = maxDetections
    self.usesCoarsePass = usesCoarsePass
  }
}

/// Runs a `DetectorModel` on one thread, reusing its memory across calls.
///
/// A session plans every activation buffer for an input size once (one 64-byte aligned arena;
/// buffers whose lifetimes do not overlap share memory) and keeps the plans of the last
/// `cachedPlanLimit` input sizes, so alternating whole images and tiles does not re-plan; resize
/// tables and scratch are kept too. After the first image of a size, the hot path (preprocess,
/// forward, decode) allocates nothing beyond NMS's sort and the returned array (and, with the
/// model's coarse pass, the merge of the two passes' lists).
///
/// Not thread-safe and not `Sendable`: create one session per worker thread, all sharing one
/// `DetectorModel`.
public final class InferenceSession {
  public let model: DetectorModel
  /// Most recently used first.
  private var plans: [ExecutionPlan] = []
  /// How many input sizes keep their planned buffers: the whole image and its tiles, or with a
  /// coarse pass the whole image at both sizes, for two aspect ratios on one card.
  public static let cachedPlanLimit = 4
  private var resizeScratch = ResizeScratch()
  private var candidates: [Detection] = []

  public init(model: DetectorModel) {
    self.model = model
  }

  /// Height and width of the input planned most recently, if any.
  public var plannedInputSize: (height: Int, width: Int)? {
    plan.map { ($0.height, $0.width) }
  }

  /// The most recently used plan.
  var plan: ExecutionPlan? { plans.first }

  /// Floats held by the cached plans' arenas (4 bytes each).
  public var plannedMemoryFloats: Int { plans.reduce(0) { $0 + $1.arenaCount } }

  /// Runs the network on an HWC float input (`height * width * 3` values, normally 0...1) and
  /// returns a **copy** of the output tensor (HWC; for lookout-det the raw head logits, 7
  /// channels at stride 8). `height` and `width` must be multiples of the graph's
  /// `input.size_multiple` (32): other sizes make the upsampled and skip branches disagree, which
  /// stops the program (a programmer error, as in PyTorch).
  public func forward(input: UnsafeBufferPointer<Float>, height: Int, width: Int) -> Tensor {
    precondition(input.count == height * width * 3, "input must hold height * width * 3 floats")
    let plan = preparedPlan(height: height, width: width)
    let image = plan.views[0]!
    image.base.update(from: input.baseAddress!, count: input.count)
    let out = run(plan)
    var result = Tensor(height: out.height, width: out.width, channels: out.channels)
    result.data.withUnsafeMutableBufferPointer { dst in
      for y in 0..<out.height {
        for x in 0..<out.width {
          (dst.baseAddress! + (y * out.width + x) * out.channels).update(
            from: out.pixel(y, x), count: out.channels)
        }
      }
    }
    return result
  }

  /// Detects objects in an image of interleaved 8-bit RGB (`width * height * 3` bytes, rows top
  /// to bottom, no row padding). The image is resized so its long side is
  /// `options.inputLongSide` (see `LetterboxGeometry` and `preprocess`), padded right and bottom
  /// to a multiple of 32, run, and decoded (`decodeCenterNet`, then `nonMaximumSuppression`: one class per box).
  /// With the model's coarse pass (`ModelGraph.CoarsePass`, `options.usesCoarsePass`) the image
  /// is run again at the pass's long side, that pass's boxes at least its `minExtent` of the
  /// image wide or high join the first pass's, and all go through the suppression once more.
  /// Boxes are normalized to the whole image as given.
  public func detect(
    rgb: UnsafeBufferPointer<UInt8>, width: Int, height: Int, options: DetectionOptions
  ) -> [Detection] {
    precondition(width > 0 && height > 0, "empty image")
    precondition(rgb.count >= width * height * 3, "rgb must hold width * height * 3 bytes")
    precondition(options.inputLongSide > 0, "inputLongSide must be positive")
    let found = detectOnce(
      rgb: rgb, width: width, height: height, longSide: options.inputLongSide, options: options)
    guard options.usesCoarsePass, let coarse = model.graph.coarsePass,
      coarse.longSide < options.inputLongSide
    else { return found }
    let large = detectOnce(
      rgb: rgb, width: width, height: height, longSide: coarse.longSide, options: options
    ).filter { max($0.box.width, $0.box.height) >= coarse.minExtent }
    return nonMaximumSuppression(
      found + large, iouThreshold: options.iouThreshold,
      crossClassIoUThreshold: options.crossClassIoUThreshold, maxDetections: options.maxDetections)
  }

  /// One pass of `detect` at `longSide`.
  private func detectOnce(
    rgb: UnsafeBufferPointer<UInt8>, width: Int, height: Int, longSide: Int,
    options: DetectionOptions
  ) -> [Detection] {
    let program = model.program
    let geometry = LetterboxGeometry(
      imageWidth: width, imageHeight: height, longSide: longSide,
      multiple: program.sizeMultiple)
    let plan = preparedPlan(height: geometry.paddedHeight, width: geometry.paddedWidth)
    preprocess(rgb: rgb, geometry: geometry, output: plan.views[0]!, scratch: &resizeScratch)
    let out = run(plan)
    decodeCenterNet(
      output: out, head: program.head, geometry: geometry,
      minimumConfidence: options.minimumConfidence, into: &candidates)
    return nonMaximumSuppression(
      candidates, iouThreshold: options.iouThreshold,
      crossClassIoUThreshold: options.crossClassIoUThreshold, maxDetections: options.maxDetections)
  }

  /// Plans buffers for an input size now instead of at the first call.
  public func prepare(height: Int, width: Int) {
    _ = preparedPlan(height: height, width: width)
  }

  private func preparedPlan(height: Int, width: Int) -> ExecutionPlan {
    if let first = plans.first, first.height == height, first.width == width { return first }
    if let i = plans.firstIndex(where: { $0.height == height && $0.width == width }) {
      let found = plans.remove(at: i)
      plans.insert(found, at: 0)
      return found
    }
    if plans.count >= Self.cachedPlanLimit {
      plans.removeLast()  // release the least recently used arena before allocating
    }
    let new = ExecutionPlan(program: model.program, height: height, width: width)
    plans.insert(new, at: 0)
    return new
  }

  private func run(_ plan: ExecutionPlan) -> TensorView {
    execute(plan)
    return plan.views[model.program.outputValue]!
  }

  /// Runs the network once per repetition on the input planned for `height` x `width` (multiples
  /// of the graph's size multiple; whatever the last `detect` of that size left there, zeros
  /// otherwise) and returns every step's median and best time. For benchmarks: the steps run
  /// exactly as in `detect`, with a clock read between them.
  public func profile(height: Int, width: Int, repetitions: Int = 5) -> [StepTiming] {
    precondition(repetitions > 0, "repetitions must be positive")
    let plan = preparedPlan(height: height, width: width)
    let steps = model.program.steps
    var samples = [[Double]](repeating: [], count: steps.count)
    execute(plan)  // warm-up: first touch of the arena and the weights
    for _ in 0..<repetitions {
      for (i, step) in steps.enumerated() {
        let start = ContinuousClock.now
        execute(step, in: plan)
        let elapsed = ContinuousClock.now - start
        samples[i].append(
          Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
      }
    }
    return steps.enumerated().map { i, step in
      let sorted = samples[i].sorted()
      let out = plan.views[step.output]!
      var kind = StepTiming.Kind.other
      var flops = 0
      if case .conv(let conv) = step.op {
        let p = conv.parameters
        flops = 2 * out.height * out.width * p.outChannels * p.patchLength
        if p.isPointwise {
          kind = .pointwise
        } else if case .depthwise = conv.weights {
          kind = .depthwise
        } else {
          kind = .direct
        }
      }
      return StepTiming(
        name: step.name, kind: kind, flops: flops, seconds: sorted[sorted.count / 2],
        bestSeconds: sorted[0], outputShape: [out.height, out.width, out.channels])
    }
  }

  private func execute(_ plan: ExecutionPlan) {
    for step in model.program.steps { execute(step, in: plan) }
  }

  @inline(__always)
  private func execute(_ step: Program.Step, in plan: ExecutionPlan) {
    let program = model.program
    let views = plan.views
    let out = views[step.output]!
    switch step.op {
    case .conv(let conv):
      conv.run(
        input: views[step.inputs[0]]!, output: out, residual: step.residual.map { views[$0]! },
        upsampledInitial: step.upsampledInitial.map { (views[$0.value]!, $0.factor) },
        scratch: plan.scratch)
    case .add:
      addTensors(views[step.inputs[0]]!, views[step.inputs[1]]!, output: out)
    case .concat:
      var offset = 0
      for v in step.inputs {
        let input = views[v]!
        if program.slices[v] == nil {
          var slice = out
          slice.base += offset
          slice.channels = input.channels
          copyTensor(input: input, output: slice)
        }
        offset += input.channels
      }
    case .upsample(let factor):
      upsampleNearest(input: views[step.inputs[0]]!, output: out, factor: factor)
    case .maxPool(let p):
      maxPool(input: views[step.inputs[0]]!, output: out, parameters: p)
    case .avgPool(let p):
      averagePool(input: views[step.inputs[0]]!, output: out, parameters: p)
    }
  }
}

/// The time one step of the network took in `InferenceSession.profile`.
public struct StepTiming: Sendable {
  /// Which kernel ran the step.
  public enum Kind: String, Sendable, CaseIterable {
    /// 1x1 convolution as a GEMM on the pixels.
    case pointwise
    /// Depthwise 3x3 convolution.
    case depthwise
    /// Any other convolution (the stem), as an implicit GEMM.
    case direct
    /// add, concat, upsample, pooling.
    case other
  }
  public var name: String
  public var kind: Kind
  /// Floating-point operations (2 per multiply-add; 0 for the non-convolution steps).
  public var flops: Int
  /// Median over the repetitions.
  public var seconds: Double
  /// Fastest repetition (on a shared machine, the closest to the kernel's own speed).
  public var bestSeconds: Double
  /// Height, width, channels of the step's output.
  public var outputShape: [Int]
}

/// Where every value of a `Program` lives for one input size: views into one arena.
final class ExecutionPlan {
  let height: Int
  let width: Int
  /// Per value id; nil for values that are never materialised (fused away).
  let views: [TensorView?]
  let scratch: UnsafeMutablePointer<Float>?
  /// Floats in the arena (activations plus scratch): the session's whole working memory.
  let arenaCount: Int
  private let arena: AlignedBuffer

  init(program: Program, height: Int, width: Int) {
    self.height = height
    self.width = width
    let valueCount = program.channels.count
    // Shapes.
    var hs = [Int](repeating: 0, count: valueCount)
    var ws = [Int](repeating: 0, count: valueCount)
    var defined = [Bool](repeating: false, count: valueCount)
    hs[0] = height
    ws[0] = width
    defined[0] = true
    var scratchCount = 0
    for step in program.steps {
      let h0 = hs[step.inputs[0]]
      let w0 = ws[step.inputs[0]]
      var size = (height: h0, width: w0)
      switch step.op {
      case .conv(let conv):
        size = conv.parameters.outputSize(height: h0, width: w0)
        scratchCount = max(scratchCount, conv.scratchCount(outputWidth: size.width))
      case .add, .concat:
        for v in step.inputs {
          precondition(
            hs[v] == h0 && ws[v] == w0,
            "\(step.name): inputs of \(hs[v])x\(ws[v]) and \(h0)x\(w0) for a \(height)x\(width) "
              + "input; the input size must be a multiple of \(program.sizeMultiple)")
        }
      case .upsample(let f): size = (h0 * f, w0 * f)
      case .maxPool(let p), .avgPool(let p): size = p.outputSize(height: h0, width: w0)
      }
      precondition(
        size.height > 0 && size.width > 0, "\(step.name): input \(height)x\(width) too small")
      if let r = step.residual {
        precondition(
          hs[r] == size.height && ws[r] == size.width, "\(step.name): residual shape mismatch")
      }
      if let seed = step.upsampledInitial {
        precondition(
          hs[seed.value] * seed.factor == size.height && ws[seed.value] * seed.factor == size.width,
          "\(step.name): upsampled inputs of \(hs[seed.value])x\(ws[seed.value]) and "
            + "\(size.height)x\(size.width) for a \(height)x\(width) input; the input size must "
            + "be a multiple of \(program.sizeMultiple)")
      }
      hs[step.output] = size.height
      ws[step.output] = size.width
      defined[step.output] = true
    }
    for v in 0..<valueCount {
      if defined[v], let s = program.slices[v] {
        precondition(
          hs[v] == hs[s.parent] && ws[v] == ws[s.parent],
          "concat inputs of different sizes; the input size must be a multiple of \(program.sizeMultiple)"
        )
      }
    }

    // Lifetimes of root buffers (values that are not slices of a concat), in step indices.
    func root(_ v: Int) -> Int { program.slices[v]?.parent ?? v }
    var first = [Int](repeating: Int.max, count: valueCount)
    var last = [Int](repeating: Int.min, count: valueCount)
    first[0] = -1
    last[0] = -1
    for (i, step) in program.steps.enumerated() {
      let r = root(step.output)
      first[r] = min(first[r], i)
      last[r] = max(last[r], i)
      let seed = step.upsampledInitial.map { [$0.value] } ?? []
      for v in step.inputs + (step.residual.map { [$0] } ?? []) + seed {
        last[root(v)] = max(last[root(v)], i)
      }
    }
    last[root(program.outputValue)] = Int.max

    // First-fit placement: at each step, place the buffers it defines, then free those whose
    // last reader it was.
    var offsets = [Int](repeating: -1, count: valueCount)
    var live: [(offset: Int, size: Int, value: Int)] = []
    var peak = 0
    func sizeOf(_ v: Int) -> Int { (hs[v] * ws[v] * program.channels[v] + 15) / 16 * 16 }
    func place(_ v: Int) {
      let size = sizeOf(v)
      var offset = 0
      for block in live.sorted(by: { $0.offset < $1.offset }) {
        if block.offset - offset >= size { break }
        offset = max(offset, block.offset + block.size)
      }
      offsets[v] = offset
      live.append((offset, size, v))
      peak = max(peak, offset + size)
    }
    for i in -1..<program.steps.count {
      for v in 0..<valueCount where first[v] == i && defined[v] && program.slices[v] == nil {
        place(v)
      }
      live.removeAll { last[$0.value] <= i }
    }

    let scratchOffset = peak
    arenaCount = peak + scratchCount
    arena = AlignedBuffer(count: arenaCount)
    scratch = scratchCount > 0 ? arena.pointer + scratchOffset : nil
    var views = [TensorView?](repeating: nil, count: valueCount)
    for v in 0..<valueCount where defined[v] {
      let r = root(v)
      let parentChannels = program.channels[r]
      views[v] = TensorView(
        base: arena.pointer + offsets[r] + (program.slices[v]?.channelOffset ?? 0),
        height: hs[v], width: ws[v], channels: program.channels[v], pixelStride: parentChannels)
    }
    self.views = views
  }
}
