/// A Float32 tensor for one image (batch 1) in **HWC** layout: channels innermost, then columns,
/// then rows. Element `(y, x, c)` lives at index `(y * width + x) * channels + c`.
///
/// This is the engine's one documented layout: inputs, activations, fixtures and the output of
/// `InferenceSession.forward` all use it. `Tensor` is a plain value (it owns its `[Float]`); the
/// engine's kernels work on arena memory internally and only copy into a `Tensor` at the boundary.
public struct Tensor: Sendable, Equatable {
  public let height: Int
  public let width: Int
  public let channels: Int
  /// `height * width * channels` values, HWC.
  public var data: [Float]

  /// A tensor of zeros.
  public init(height: Int, width: Int, channels: Int) {
    precondition(height >= 0 && width >= 0 && channels >= 0, "negative tensor dimension")
    self.height = height
    self.width = width
    self.channels = channels
    self.data = [Float](repeating: 0, count: height * width * channels)
  }

  /// A tensor over existing HWC values; `data.count` must equal `height * width * channels`.
  public init(height: Int, width: Int, channels: Int, data: [Float]) {
    precondition(data.count == height * width * channels, "tensor data does not match its shape")
    self.height = height
    self.width = width
    self.channels = channels
    self.data = data
  }

  /// `[height, width, channels]`.
  public var shape: [Int] { [height, width, channels] }

  public subscript(y: Int, x: Int, c: Int) -> Float {
    get { data[(y * width + x) * channels + c] }
    set { data[(y * width + x) * channels + c] = newValue }
  }
}

/// A non-owning HWC view used by the kernels. `pixelStride` is the distance in floats between
/// neighbouring pixels (>= `channels`), so a view can be a channel slice of a wider tensor (this is
/// how `concat` is done without copying: producers write straight into their slice).
struct TensorView {
  var base: UnsafeMutablePointer<Float>
  var height: Int
  var width: Int
  var channels: Int
  var pixelStride: Int

  init(
    base: UnsafeMutablePointer<Float>, height: Int, width: Int, channels: Int,
    pixelStride: Int? = nil
  ) {
    self.base = base
    self.height = height
    self.width = width
    self.channels = channels
    self.pixelStride = pixelStride ?? channels
  }

  @inline(__always)
  func pixel(_ y: Int, _ x: Int) -> UnsafeMutablePointer<Float> {
    base + (y * width + x) * pixelStride
  }

  var rowStride: Int { width * pixelStride }
}

/// Activation applied in a kernel's epilogue.
public enum Activation: String, Sendable, Codable, CaseIterable {
  case none, relu, relu6, silu, sigmoid
}
