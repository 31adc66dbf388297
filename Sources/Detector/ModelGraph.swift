/// The graph JSON written by `scripts/lookout_model.py` (`export_graph`): the network's nodes in
/// execution order plus the input and head descriptions. Decoding only checks structure and types;
/// `DetectorModel` validates the semantics (ops, inputs, tensors, shapes).
public struct ModelGraph: Codable, Sendable, Equatable {
  public struct Input: Codable, Sendable, Equatable {
    public var name: String
    public var channels: Int
    public var layout: String
    public var range: [Float]?
    /// Input height and width must be multiples of this (all strides divide it).
    public var sizeMultiple: Int

    enum CodingKeys: String, CodingKey {
      case name, channels, layout, range
      case sizeMultiple = "size_multiple"
    }
  }

  /// The CenterNet head: which output channels mean what.
  public struct Head: Codable, Sendable, Equatable {
    public var type: String
    /// Output cells per input pixel, inverted (8: one cell per 8x8 input pixels).
    public var stride: Int
    public var classes: [String]
    public var heatmapChannels: [Int]
    public var offsetChannels: [Int]
    public var logSizeChannels: [Int]
    /// Box size in input pixels is `exp(value) * sizeUnit`.
    public var sizeUnit: Float

    enum CodingKeys: String, CodingKey {
      case type, stride, classes
      case heatmapChannels = "heatmap_channels"
      case offsetChannels = "offset_channels"
      case logSizeChannels = "log_size_channels"
      case sizeUnit = "size_unit"
    }
  }

  /// A second, coarser pass over the whole image (`scripts/train.py`'s `detect`): the network
  /// also runs with the image's long side at `longSide` pixels, which shows it objects larger
  /// than any its 320-pixel training crops held at the size it learnt them. Of that pass only
  /// boxes at least `minExtent` of the image wide or high count; both passes' boxes then go
  /// through the same non-maximum suppression.
  public struct CoarsePass: Codable, Sendable, Equatable {
    public var longSide: Int
    public var minExtent: Float

    public init(longSide: Int, minExtent: Float) {
      self.longSide = longSide
      self.minExtent = minExtent
    }

    enum CodingKeys: String, CodingKey {
      case longSide = "long_side"
      case minExtent = "min_extent"
    }
  }

  /// One operation. `op` is kept as a string so that an unknown op is reported by name.
  /// conv2d: `weight`, `bias`, `in_channels`, `out_channels`, `kernel`, `stride`, `padding`,
  /// `groups`, `activation`; upsample_nearest: `factor`; maxpool/avgpool: `kernel`, `stride`,
  /// `padding`; add/concat: inputs only.
  public struct Node: Codable, Sendable, Equatable {
    public var name: String
    public var op: String
    public var inputs: [String]
    public var weight: String?
    public var bias: String?
    public var inChannels: Int?
    public var outChannels: Int?
    public var kernel: Int?
    public var stride: Int?
    public var padding: Int?
    public var groups: Int?
    public var activation: String?
    public var factor: Int?

    public init(name: String, op: String, inputs: [String]) {
      self.name = name
      self.op = op
      self.inputs = inputs
    }

    enum CodingKeys: String, CodingKey {
      case name, op, inputs, weight, bias, kernel, stride, padding, groups, activation, factor
      case inChannels = "in_channels"
      case outChannels = "out_channels"
    }
  }

  public var format: String
  public var formatVersion: Int
  public var input: Input
  /// Name of the node whose output is the network's output.
  public var output: String
  public var head: Head
  public var nodes: [Node]
  public var name: String
  /// The exporter's `model_version` (a string, or a number rendered as a string).
  public var modelVersion: String
  public var flops640x512: Int?
  /// The alert threshold per class name that the graph ships with, if it names any.
  public var thresholds: [String: Double]?
  /// The second pass the model was calibrated with (`coarse_pass`), if any.
  public var coarsePass: CoarsePass?

  enum CodingKeys: String, CodingKey {
    case format, input, output, head, nodes, name, thresholds
    case coarsePass = "coarse_pass"
    case formatVersion = "format_version"
    case modelVersion = "model_version"
    case flops640x512 = "flops_640x512"
  }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    format = try c.decode(String.self, forKey: .format)
    formatVersion = try c.decode(Int.self, forKey: .formatVersion)
    input = try c.decode(Input.self, forKey: .input)
    output = try c.decode(String.self, forKey: .output)
    head = try c.decode(Head.self, forKey: .head)
    nodes = try c.decode([Node].self, forKey: .nodes)
    name = try c.decodeIfPresent(String.self, forKey: .name) ?? "unnamed"
    if let s = try? c.decode(String.self, forKey: .modelVersion) {
      modelVersion = s
    } else if let i = try? c.decode(Int.self, forKey: .modelVersion) {
      modelVersion = String(i)
    } else if let d = try? c.decode(Double.self, forKey: .modelVersion) {
      modelVersion = String(d)
    } else {
      modelVersion = "unknown"
    }
    flops640x512 = try c.decodeIfPresent(Int.self, forKey: .flops640x512)
    // Informational: a graph whose thresholds are not numbers still loads, with none.
    thresholds = try? c.decodeIfPresent([String: Double].self, forKey: .thresholds)
    coarsePass = try c.decodeIfPresent(CoarsePass.self, forKey: .coarsePass)
  }
}
