import Benchmark
import Detector
import Foundation
import Pipeline

// One scan lane's work per image, as `lookout scan` does it: read the file, decode (DCT-scaled),
// resize, run the network, decode boxes, build the outcome. The ordered writer, the checkpoint
// and the output files are left out (they are measured end to end by scripts/bench).

private let samples = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("SampleImages")
private let models = samples.deletingLastPathComponent().appendingPathComponent("Models")

private func card(_ relativePath: String) -> CardFile {
  let url = samples.appendingPathComponent(relativePath)
  let attributes = try! FileManager.default.attributesOfItem(atPath: url.path)
  return CardFile(
    relativePath: relativePath, path: Array(url.path.utf8),
    size: (attributes[.size] as! NSNumber).int64Value, modifiedNanoseconds: 0)
}

let benchmarks: @Sendable () -> Void = {
  let model = try! DetectorModel(directory: models)
  let files = [
    ("12 MP camera JPEG", "river-camp/cam03/RCNX0001.JPG"),
    ("640x512 thermal JPEG", "ridge-north/drone01/DJI_20240914061203_0001_T.JPG"),
  ]
  for (label, path) in files {
    Benchmark(
      "scan one \(label)",
      configuration: .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 2, maxDuration: .seconds(5))
    ) { benchmark in
      let scanner = ImageScanner(model: model, settings: ImageScanSettings(tile: .off))
      let file = card(path)
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations {
        blackHole(scanner.scan(file))
      }
      benchmark.stopMeasurement()
    }
  }
}
