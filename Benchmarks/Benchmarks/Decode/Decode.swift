import Benchmark
import Foundation
import ImageIO

// Decoding alone (the file already in memory) at the size a scan asks for, 640 long side: a
// 12 MP camera-trap photo (libjpeg-turbo scales it to 2/8 in the DCT, 1000x750) and a 640x512
// thermal frame (decoded at full size).

private let samples = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("SampleImages")

let benchmarks: @Sendable () -> Void = {
  let files = [
    ("12 MP camera JPEG", "river-camp/cam03/RCNX0001.JPG"),
    ("640x512 thermal JPEG", "ridge-north/drone01/DJI_20240914061203_0001_T.JPG"),
  ]
  for (label, path) in files {
    Benchmark(
      "decode \(label) to 640 long side",
      configuration: .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 2, maxDuration: .seconds(5))
    ) { benchmark in
      let data = try [UInt8](Data(contentsOf: samples.appendingPathComponent(path)))
      let options = DecodeOptions(minimumLongSide: 640)
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations {
        blackHole(try ImageDecoder.decode(data: data, path: path, options: options))
      }
      benchmark.stopMeasurement()
    }
  }
}
