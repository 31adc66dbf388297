import Foundation
import Testing

@testable import Detector

/// Every `ModelLoadError` case, each triggered by a file crafted in a temporary directory.
@Suite final class LoaderTests {
  /// A fresh temporary directory per test.
  let directory: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "detector-loader-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }()

  deinit { try? FileManager.default.removeItem(at: directory) }

  struct TensorSpec {
    var name: String
    var shape: [Int]
    var dtype = "F32"
    var offsets: [Int]? = nil  // default: packed after the previous tensor
  }

  /// A safetensors file: header JSON from `specs`, data of `dataBytes` bytes (default: exactly
  /// what the tensors need), values 0.01 * index.
  static func safetensors(
    _ specs: [TensorSpec], metadata: [String: String] = ["model_version": "test"],
    dataBytes: Int? = nil, headerLengthOverride: UInt64? = nil
  ) -> Data {
    var entries: [String] = []
    if !metadata.isEmpty {
      let m = metadata.map { "\"\($0.key)\": \"\($0.value)\"" }.joined(separator: ", ")
      entries.append("\"__metadata__\": {\(m)}")
    }
    var cursor = 0
    for s in specs {
      let size = s.shape.reduce(1, *) * 4
      let offsets = s.offsets ?? [cursor, cursor + size]
      cursor = max(cursor, offsets.last ?? cursor)
      entries.append(
        "\"\(s.name)\": {\"dtype\": \"\(s.dtype)\", \"shape\": \(s.shape), \"data_offsets\": \(offsets)}"
      )
    }
    var header = Data("{\(entries.joined(separator: ", "))}".utf8)
    while header.count % 8 != 0 { header.append(0x20) }
    var data = Data()
    var n = headerLengthOverride ?? UInt64(header.count)
    for _ in 0..<8 {
      data.append(UInt8(n & 0xFF))
      n >>= 8
    }
    data.append(header)
    let count = dataBytes ?? cursor
    var values = [Float](repeating: 0, count: (count + 3) / 4)
    for i in values.indices { values[i] = Float(i % 97) * 0.01 - 0.4 }
    values.withUnsafeBytes { data.append(contentsOf: $0.prefix(count)) }
    return data
  }

  /// A minimal graph: image -> 1x1 conv "head" with 7 outputs -> centernet head.
  static func graph(mutate: (inout [String: Any]) -> Void = { _ in }) -> Data {
    let node: [String: Any] = [
      "name": "head", "op": "conv2d", "inputs": ["image"], "weight": "head.weight",
      "bias": "head.bias", "in_channels": 3, "out_channels": 7, "kernel": 1, "stride": 1,
      "padding": 0, "groups": 1, "activation": "none",
    ]
    var g: [String: Any] = [
      "format": "lookout-graph", "format_version": 1,
      "input": [
        "name": "image", "channels": 3, "layout": "HWC", "range": [0.0, 1.0], "size_multiple": 32,
      ],
      "output": "head",
      "head": [
        "type": "centernet", "stride": 1, "classes": ["animal", "person", "vehicle"],
        "heatmap_channels": [0, 1, 2], "offset_channels": [3, 4], "log_size_channels": [5, 6],
        "size_unit": 8,
      ],
      "nodes": [node],
      "name": "tiny", "model_version": "v-test",
    ]
    mutate(&g)
    return try! JSONSerialization.data(withJSONObject: g)
  }

  static let goodWeights = [
    TensorSpec(name: "head.weight", shape: [7, 3, 1, 1]), TensorSpec(name: "head.bias", shape: [7]),
  ]

  func write(_ data: Data, _ name: String) -> URL {
    let url = directory.appendingPathComponent(name)
    try! data.write(to: url)
    return url
  }

  /// Loads graph + weights from bytes and returns the error (nil when loading succeeds).
  func loadError(graph: Data = graph(), weights: Data = safetensors(goodWeights)) -> ModelLoadError?
  {
    let g = write(graph, "m.json")
    let w = write(weights, "m.safetensors")
    do {
      _ = try DetectorModel(graphURL: g, weightsURL: w)
      return nil
    } catch {
      // The loader's throws are typed: every failure is a ModelLoadError.
      #expect(error.file == g.path || error.file == w.path, "error names the file: \(error)")
      #expect(!error.description.isEmpty)
      return error
    }
  }

  static func setNode(_ g: inout [String: Any], _ change: (inout [String: Any]) -> Void) {
    var nodes = g["nodes"] as! [[String: Any]]
    change(&nodes[0])
    g["nodes"] = nodes
  }

  @Test func minimalModelLoadsAndRuns() throws {
    #expect(loadError() == nil)
    let model = try DetectorModel(
      graphURL: write(Self.graph(), "a.json"),
      weightsURL: write(Self.safetensors(Self.goodWeights), "a.safetensors"))
    #expect(model.name == "tiny")
    #expect(model.version == "v-test")
    #expect(model.graph.nodes.count == 1)
    let session = InferenceSession(model: model)
    let input = [Float](repeating: 0.5, count: 32 * 32 * 3)
    let out = input.withUnsafeBufferPointer { session.forward(input: $0, height: 32, width: 32) }
    #expect(out.shape == [32, 32, 7])
  }

  @Test func repositoryModelLoads() throws {
    let model = try DetectorModel(directory: Paths.models)
    #expect(model.name == "lookout-det")
    #expect(model.version == model.graph.modelVersion)
    #expect(model.graph.head.stride == 8)
    // The residual adds are fused into their 1x1 convolutions, and each upsample + concat +
    // 1x1 convolution (the feature-pyramid merges) runs as two 1x1 GEMMs with no upsample or
    // concat: fewer steps than nodes.
    #expect(model.program.steps.count < model.graph.nodes.count)
    #expect(model.program.steps.contains { $0.upsampledInitial != nil })
  }

  @Test func aCoarsePassOutsideItsRangeIsRefused() throws {
    for pass in [["long_side": 16, "min_extent": 0.25], ["long_side": 320, "min_extent": 2.0]] {
      let error = loadError(graph: Self.graph { $0["coarse_pass"] = pass })
      guard case .invalidGraph(_, let reason) = error else {
        Issue.record("expected invalidGraph, got \(String(describing: error))")
        continue
      }
      #expect(reason.contains("coarse_pass"))
    }
    let g = write(Self.graph { $0["coarse_pass"] = ["long_side": 64, "min_extent": 0.5] }, "c.json")
    let w = write(Self.safetensors(Self.goodWeights), "c.safetensors")
    let model = try DetectorModel(graphURL: g, weightsURL: w)
    #expect(model.graph.coarsePass == .init(longSide: 64, minExtent: 0.5))
  }

  @Test func fileNotFound() {
    let missing = directory.appendingPathComponent("nope.json")
    #expect(throws: ModelLoadError.fileNotFound(file: missing.path)) {
      try DetectorModel(graphURL: missing, weightsURL: missing)
    }
    let g = write(Self.graph(), "g.json")
    let w = directory.appendingPathComponent("absent.safetensors")
    #expect(throws: ModelLoadError.fileNotFound(file: w.path)) {
      try DetectorModel(graphURL: g, weightsURL: w)
    }
  }

  @Test func unreadable() throws {
    let g = write(Self.graph(), "g.json")
    let dir = directory.appendingPathComponent("weights.safetensors")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    do {
      _ = try DetectorModel(graphURL: g, weightsURL: dir)
      Issue.record("loaded a directory")
    } catch let ModelLoadError.unreadable(file, _) {
      #expect(file == dir.path)
    }
  }

  /// A read that fails says why in words with the errno, not Foundation's "The file couldn't
  /// be opened." (Reading /proc/self/mem from its start fails with EIO on Linux.)
  #if os(Linux)
    @Test func aFailedReadNamesItsErrnoInWords() throws {
      let g = write(Self.graph(), "g.json")
      let memory = URL(fileURLWithPath: "/proc/self/mem")
      do {
        _ = try DetectorModel(graphURL: g, weightsURL: memory)
        Issue.record("loaded /proc/self/mem")
      } catch let ModelLoadError.unreadable(file, reason) {
        #expect(file == memory.path)
        #expect(reason == "input/output error (EIO)", "\(reason)")
      }
    }
  #endif

  @Test func truncated() {
    let full = Self.safetensors(Self.goodWeights)
    guard case .truncated(_, let reason)? = loadError(weights: full.prefix(full.count - 10)) else {
      Issue.record("cut data not reported as truncated")
      return
    }
    #expect(reason.contains("head"))
    guard case .truncated? = loadError(weights: Data([1, 0, 0])) else {
      Issue.record("3-byte file not reported as truncated")
      return
    }
  }

  @Test func headerLengthBeyondFile() {
    let data = Self.safetensors(Self.goodWeights, headerLengthOverride: 1_000_000)
    #expect(
      loadError(weights: data)
        == .headerLengthBeyondFile(
          file: directory.appendingPathComponent("m.safetensors").path, headerLength: 1_000_000,
          fileSize: data.count))
  }

  @Test func invalidJSON() {
    var bad = Data([9, 0, 0, 0, 0, 0, 0, 0])
    bad.append(Data("{\"a\": [1,".utf8))
    guard case .invalidJSON(let file, _)? = loadError(weights: bad) else {
      Issue.record("bad safetensors header JSON not reported")
      return
    }
    #expect(file.hasSuffix("m.safetensors"))
    guard case .invalidJSON(let gfile, _)? = loadError(graph: Data("{\"format\": ".utf8)) else {
      Issue.record("bad graph JSON not reported")
      return
    }
    #expect(gfile.hasSuffix("m.json"))
    // Valid JSON, wrong structure: a node without inputs.
    let noInputs = Self.graph { g in Self.setNode(&g) { $0["inputs"] = nil } }
    guard case .invalidJSON(_, let reason)? = loadError(graph: noInputs) else {
      Issue.record("missing key not reported")
      return
    }
    #expect(reason.contains("inputs"))
  }

  @Test func unsupportedDType() {
    var specs = Self.goodWeights
    specs[0].dtype = "F16"
    #expect(
      loadError(weights: Self.safetensors(specs))
        == .unsupportedDType(
          file: directory.appendingPathComponent("m.safetensors").path, tensor: "head.weight",
          dtype: "F16"))
  }

  @Test func dataOffsetsOutOfRange() {
    var specs = Self.goodWeights
    specs[1].offsets = [84, 80]  // begin > end
    guard
      case .dataOffsetsOutOfRange(_, "head.bias", _)? = loadError(weights: Self.safetensors(specs))
    else {
      Issue.record("begin > end not reported")
      return
    }
    specs[1].offsets = [84, 200]  // longer than 7 floats
    guard
      case .dataOffsetsOutOfRange(_, "head.bias", _)? = loadError(weights: Self.safetensors(specs))
    else {
      Issue.record("wrong length not reported")
      return
    }
  }

  @Test func missingTensor() {
    let weights = Self.safetensors([TensorSpec(name: "head.weight", shape: [7, 3, 1, 1])])
    #expect(
      loadError(weights: weights)
        == .missingTensor(
          file: directory.appendingPathComponent("m.safetensors").path, tensor: "head.bias",
          node: "head"))
  }

  @Test func shapeMismatch() {
    let weights = Self.safetensors([
      TensorSpec(name: "head.weight", shape: [7, 3, 3, 3]),
      TensorSpec(name: "head.bias", shape: [7]),
    ])
    #expect(
      loadError(weights: weights)
        == .shapeMismatch(
          file: directory.appendingPathComponent("m.safetensors").path, tensor: "head.weight",
          expected: [7, 3, 1, 1], actual: [7, 3, 3, 3]))
  }

  @Test func unknownOp() {
    let graph = Self.graph { g in Self.setNode(&g) { $0["op"] = "softmax" } }
    #expect(
      loadError(graph: graph)
        == .unknownOp(
          file: directory.appendingPathComponent("m.json").path, node: "head", op: "softmax"))
  }

  @Test func undefinedInput() {
    let graph = Self.graph { g in Self.setNode(&g) { $0["inputs"] = ["stem"] } }
    #expect(
      loadError(graph: graph)
        == .undefinedInput(
          file: directory.appendingPathComponent("m.json").path, node: "head", input: "stem"))
  }

  @Test func invalidNode() {
    for change: (inout [String: Any]) -> Void in [
      { $0["in_channels"] = 4 }, { $0["activation"] = "gelu" }, { $0["groups"] = 2 },
      { $0["kernel"] = nil },
    ] {
      let graph = Self.graph { g in Self.setNode(&g, change) }
      guard case .invalidNode(_, "head", _)? = loadError(graph: graph) else {
        Issue.record("bad parameters not reported as invalidNode")
        continue
      }
    }
  }

  @Test func invalidGraph() {
    for change: (inout [String: Any]) -> Void in [
      { $0["output"] = "missing" }, { $0["format"] = "onnx" },
      { g in
        var head = g["head"] as! [String: Any]
        head["log_size_channels"] = [5, 9]
        g["head"] = head
      },
    ] {
      guard case .invalidGraph? = loadError(graph: Self.graph(mutate: change)) else {
        Issue.record("bad graph not reported as invalidGraph")
        continue
      }
    }
  }

  @Test func safeTensorsReadsValuesAndMetadata() throws {
    let file = try SafeTensorsFile(bytes: Self.safetensors(Self.goodWeights), file: "mem")
    #expect(file.metadata == ["model_version": "test"])
    #expect(file.entries["head.bias"]?.shape == [7])
    let bias = try #require(file.floats(named: "head.bias"))
    #expect(bias.count == 7)
    #expect(abs(bias[0] - (0.21 - 0.4)) < 1e-6)  // the 22nd float of the data section
    #expect(file.floats(named: "nothing") == nil)
  }
}
