// The small operations around the convolutions. Each works on HWC views (any pixel stride) and
// writes into caller-provided memory.

/// Parameters of a pooling node. Output size is PyTorch's floor mode:
/// `(H + 2 * padding - kernel) / stride + 1`.
struct PoolParameters: Sendable, Equatable {
  var kernel: Int
  var stride: Int
  var padding: Int

  func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
    ((height + 2 * padding - kernel) / stride + 1, (width + 2 * padding - kernel) / stride + 1)
  }
}

/// Max pooling; padded positions never win (PyTorch pads with -infinity).
func maxPool(input: TensorView, output: TensorView, parameters p: PoolParameters) {
  pool(input: input, output: output, parameters: p, isMax: true)
}

/// Average pooling with PyTorch's default `count_include_pad=True`: the divisor is always
/// `kernel * kernel`, padded positions count as zeros.
func averagePool(input: TensorView, output: TensorView, parameters p: PoolParameters) {
  pool(input: input, output: output, parameters: p, isMax: false)
}

private func pool(input: TensorView, output: TensorView, parameters p: PoolParameters, isMax: Bool)
{
  let size = p.outputSize(height: input.height, width: input.width)
  precondition(
    output.height == size.height && output.width == size.width
      && output.channels == input.channels, "pool shape mismatch")
  let scale = 1 / Float(p.kernel * p.kernel)
  for oy in 0..<output.height {
    for ox in 0..<output.width {
      let out = output.pixel(oy, ox)
      for c in 0..<input.channels {
        var acc: Float = isMax ? -.infinity : 0
        for ky in 0..<p.kernel {
          let iy = oy * p.stride - p.padding + ky
          if iy < 0 || iy >= input.height { continue }
          for kx in 0..<p.kernel {
            let ix = ox * p.stride - p.padding + kx
            if ix < 0 || ix >= input.width { continue }
            let v = input.pixel(iy, ix)[c]
            if isMax { acc = v > acc ? v : acc } else { acc += v }
          }
        }
        out[c] = isMax ? acc : acc * scale
      }
    }
  }
}

/// Nearest-neighbour upsampling by an integer factor (PyTorch `interpolate(mode="nearest")`).
func upsampleNearest(input: TensorView, output: TensorView, factor: Int) {
  precondition(
    output.height == input.height * factor && output.width == input.width * factor
      && output.channels == input.channels, "upsample shape mismatch")
  let c = input.channels
  for oy in 0..<output.height {
    for ox in 0..<output.width {
      output.pixel(oy, ox).update(from: input.pixel(oy / factor, ox / factor), count: c)
    }
  }
}

/// Copies `input` into `output` (same height/width/channels); used for concat inputs that could
/// not be written into their slice directly.
func copyTensor(input: TensorView, output: TensorView) {
  precondition(
    output.height == input.height && output.width == input.width
      && output.channels == input.channels, "copy shape mismatch")
  for y in 0..<input.height {
    for x in 0..<input.width {
      output.pixel(y, x).update(from: input.pixel(y, x), count: input.channels)
    }
  }
}

/// Concatenation along channels: `inputs` in order fill `output`'s channels.
func concatChannels(inputs: [TensorView], output: TensorView) {
  var offset = 0
  for input in inputs {
    precondition(
      input.height == output.height && input.width == output.width
        && offset + input.channels <= output.channels, "concat shape mismatch")
    var slice = output
    slice.base = output.base + offset
    slice.channels = input.channels
    copyTensor(input: input, output: slice)
    offset += input.channels
  }
  precondition(offset == output.channels, "concat channel count mismatch")
}

/// Element-wise sum of two tensors of one shape. `output` may alias either input exactly.
func addTensors(_ a: TensorView, _ b: TensorView, output: TensorView) {
  precondition(
    a.height == b.height && a.width == b.width && a.channels == b.channels
      && output.height == a.height && output.width == a.width && output.channels == a.channels,
    "add shape mismatch")
  let c = a.channels
  let vc = c / 16 * 16
  for y in 0..<a.height {
    for x in 0..<a.width {
      let pa = a.pixel(y, x)
      let pb = b.pixel(y, x)
      let po = output.pixel(y, x)
      var i = 0
      while i < vc {
        let s =
          UnsafeRawPointer(pa + i).loadUnaligned(as: SIMD16<Float>.self)
          + UnsafeRawPointer(pb + i).loadUnaligned(as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(po + i).storeBytes(of: s, as: SIMD16<Float>.self)
        i += 16
      }
      while i < c {
        po[i] = pa[i] + pb[i]
        i += 1
      }
    }
  }
}
