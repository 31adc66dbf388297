import Benchmark
import Detector
import Foundation

// The network alone, through the public `InferenceSession.detect` (resize into the input,
// forward, box decoding, NMS): a 640x512 thermal frame, and a 12 MP photo as the decoder hands
// it over (1000x750 after 2/8 DCT scaling) resized into a 640x480 input. One session reused, as
// each scan lane does: after the first call no buffer is planned again, so the malloc counts are
// what one image costs in steady state.

private let repository = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// A deterministic textured RGB image.
private func texture(width: Int, height: Int) -> [UInt8] {
  var state: UInt32 = 12345
  return (0..<width * height * 3).map { i in
    state = state &* 1_664_525 &+ 1_013_904_223
    return UInt8(truncatingIfNeeded: (i / 3 % width) ^ Int(state >> 27))
  }
}

let benchmarks: @Sendable () -> Void = {
  let model = try! DetectorModel(directory: repository.appendingPathComponent("Models"))
  let metrics: [BenchmarkMetric] = [
    .wallClock, .cpuTotal, .throughput, .mallocCountTotal, .peakMemoryResident,
  ]
  // Calibration: what the harness itself counts for an iteration that does nothing.
  Benchmark(
    "empty iteration (harness baseline)",
    configuration: .init(metrics: metrics, warmupIterations: 3, maxDuration: .seconds(1))
  ) { benchmark in
    for _ in benchmark.scaledIterations { blackHole(0) }
  }
  for (width, height) in [(640, 512), (1000, 750)] {
    Benchmark(
      "detect \(width)x\(height) -> 640 long side",
      configuration: .init(metrics: metrics, warmupIterations: 3, maxDuration: .seconds(5))
    ) { benchmark in
      let session = InferenceSession(model: model)
      let rgb = texture(width: width, height: height)
      let options = DetectionOptions(inputLongSide: 640)
      rgb.withUnsafeBufferPointer { px in
        _ = session.detect(rgb: px, width: width, height: height, options: options)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
          blackHole(session.detect(rgb: px, width: width, height: height, options: options))
        }
        benchmark.stopMeasurement()
      }
    }
  }
}
