import ArgumentParser
import Detector
import Foundation

/// The network alone: whole-image `detect` time (preprocess + forward + box decoding) at one
/// input size, and per-kernel GFLOP/s from `InferenceSession.profile`.
struct NetworkCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "network", abstract: "Network time per image and GFLOP/s of its kernels.")

  @Option(help: "Input width (the image is this size, so no resizing beyond a copy).")
  var width: Int = 640

  @Option(help: "Input height.")
  var height: Int = 512

  @Option(
    help:
      ArgumentHelp(
        "Width of the image handed to detect (default: the input width), e.g. 1000 for a "
          + "12 MP JPEG decoded at 2/8: the resize into the input is then timed too.")
  )
  var imageWidth: Int?

  @Option(help: "Height of the image handed to detect (default: the input height).")
  var imageHeight: Int?

  @Option(help: "Timed images; the median is reported.")
  var repetitions: Int = 30

  @Option(help: "Folder with lookout-det.json and .safetensors (default: ./Models).")
  var modelDir: String?

  @Flag(help: "Also print every step.")
  var steps = false

  @Flag(help: "Print one JSON object.")
  var json = false

  func run() throws {
    let model = try DetectorModel(directory: modelDirectory(modelDir))
    let session = InferenceSession(model: model)
    // A deterministic textured image, so activations are not all zero.
    let iw = imageWidth ?? width
    let ih = imageHeight ?? height
    var rgb = [UInt8](repeating: 0, count: iw * ih * 3)
    var state: UInt32 = 12345
    for i in rgb.indices {
      state = state &* 1_664_525 &+ 1_013_904_223
      rgb[i] = UInt8(truncatingIfNeeded: (i / 3 % iw) ^ Int(state >> 27))
    }
    let options = DetectionOptions(inputLongSide: max(width, height))
    var times: [Double] = []
    var cpuTimes: [Double] = []
    rgb.withUnsafeBufferPointer { px in
      for _ in 0..<3 { _ = session.detect(rgb: px, width: iw, height: ih, options: options) }
      for _ in 0..<repetitions {
        let t0 = now()
        let c0 = threadCPUTime()
        _ = session.detect(rgb: px, width: iw, height: ih, options: options)
        cpuTimes.append(threadCPUTime() - c0)
        times.append(now() - t0)
      }
    }
    let detectSeconds = median(times)
    let detectBest = times.min()!
    let detectCPU = median(cpuTimes)
    let padded = (h: (height + 31) / 32 * 32, w: (width + 31) / 32 * 32)
    let profile = session.profile(height: padded.h, width: padded.w, repetitions: repetitions)
    struct Total {
      var flops = 0
      var median = 0.0
      var best = 0.0
      var steps = 0
      var gflops: Double { best > 0 ? Double(flops) / best / 1e9 : 0 }
      mutating func add(_ s: StepTiming) {
        flops += s.flops
        median += s.seconds
        best += s.bestSeconds
        steps += 1
      }
    }
    var byKind: [StepTiming.Kind: Total] = [:]
    var all = Total()
    for step in profile {
      byKind[step.kind, default: Total()].add(step)
      all.add(step)
    }
    if json {
      var kinds: [String: Any] = [:]
      for (kind, t) in byKind {
        kinds[kind.rawValue] = [
          "flops": t.flops, "median_ms": t.median * 1e3, "best_ms": t.best * 1e3,
          "steps": t.steps, "gflops_per_s": t.gflops,
        ]
      }
      printJSON([
        "width": width, "height": height, "image_width": iw, "image_height": ih,
        "detect_ms": detectSeconds * 1e3,
        "detect_cpu_ms": detectCPU * 1e3,
        "detect_best_ms": detectBest * 1e3, "forward_ms": all.median * 1e3,
        "forward_best_ms": all.best * 1e3, "gflop": Double(all.flops) / 1e9,
        "gflops_per_s": all.gflops, "kinds": kinds,
        "steps": profile.map {
          [
            "name": $0.name, "kind": $0.kind.rawValue, "flops": $0.flops,
            "median_ms": $0.seconds * 1e3, "best_ms": $0.bestSeconds * 1e3,
            "shape": $0.outputShape,
          ] as [String: Any]
        },
      ])
      return
    }
    print(
      String(
        format:
          "%dx%d (image %dx%d): detect %.2f ms/image median (%.2f ms CPU), %.2f best; "
          + "forward %.2f ms "
          + "median, %.2f best (%.3f GFLOP, %.1f GFLOP/s at best)",
        width, height, iw, ih, detectSeconds * 1e3, detectCPU * 1e3, detectBest * 1e3,
        all.median * 1e3,
        all.best * 1e3,
        Double(all.flops) / 1e9, all.gflops))
    for kind in StepTiming.Kind.allCases {
      guard let t = byKind[kind] else { continue }
      print(
        String(
          format: "  %-10@ %2d steps %7.1f MFLOP  %6.2f ms median  %6.2f ms best  %6.1f GFLOP/s",
          kind.rawValue, t.steps, Double(t.flops) / 1e6, t.median * 1e3, t.best * 1e3, t.gflops))
    }
    if steps {
      for s in profile {
        print(
          String(
            format:
              "  %-10@ %-10@ %-12@ %7.1f MFLOP  %6.3f ms median  %6.3f ms best  %6.1f GFLOP/s",
            s.name, s.kind.rawValue, s.outputShape.map(String.init).joined(separator: "x"),
            Double(s.flops) / 1e6, s.seconds * 1e3, s.bestSeconds * 1e3,
            s.bestSeconds > 0 ? Double(s.flops) / s.bestSeconds / 1e9 : 0))
      }
    }
  }
}
