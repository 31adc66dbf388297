import ArgumentParser
import Dispatch
import Foundation

/// Measures the FP32 fused multiply-add peak: independent SIMD16 FMA chains, enough of them to
/// cover the FMA latency on current x86 and ARM cores, with operands in registers only.
struct PeakCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "peak", abstract: "Measured FP32 FMA peak, one thread and all threads at once.")

  @Option(help: "Threads for the all-core figure (default: active processors).")
  var threads: Int = ProcessInfo.processInfo.activeProcessorCount

  @Option(
    help:
      ArgumentHelp(
        "Repetitions of about 10 ms; the best is reported (a peak is a maximum, and on a "
          + "shared machine the best is the run least disturbed).")
  )
  var repetitions: Int = 40

  @Flag(help: "Print one JSON object.")
  var json = false

  func run() {
    let iterations = 1_000_000
    // warm-up (clock ramp)
    _ = fmaLoop(iterations: iterations)
    var single: [Double] = []
    for _ in 0..<repetitions {
      let t0 = now()
      blackHole(fmaLoop(iterations: iterations))
      single.append(PeakCommand.flops(iterations) / (now() - t0))
    }
    var multi: [Double] = []
    for _ in 0..<max(1, repetitions / 2) {
      let t0 = now()
      DispatchQueue.concurrentPerform(iterations: threads) { _ in
        blackHole(fmaLoop(iterations: iterations))
      }
      multi.append(PeakCommand.flops(iterations) * Double(threads) / (now() - t0))
    }
    let one = single.max()! / 1e9
    let all = multi.max()! / 1e9
    if json {
      printJSON(["single_thread_gflops": one, "all_threads_gflops": all, "threads": threads])
    } else {
      print(
        String(
          format: "FP32 FMA peak: %.1f GFLOP/s on one thread, %.1f GFLOP/s on %d threads",
          one, all, threads))
    }
  }

  /// 8 chains x 16 lanes x 2 flops per iteration.
  static func flops(_ iterations: Int) -> Double { Double(iterations) * 8 * 16 * 2 }
}

@inline(never)
func blackHole(_ value: Float) {
  if value == 42.4242 { print("") }
}

/// Eight independent `c = b + c * a` chains (each step one FMA; the values converge, so no
/// infinities or denormals), reduced at the end so nothing is optimised away.
@inline(never)
func fmaLoop(iterations: Int) -> Float {
  let a = SIMD16<Float>(repeating: 0.999_999)
  let b = SIMD16<Float>(repeating: 1e-7)
  var c0 = SIMD16<Float>(repeating: 0.1)
  var c1 = SIMD16<Float>(repeating: 0.2)
  var c2 = SIMD16<Float>(repeating: 0.3)
  var c3 = SIMD16<Float>(repeating: 0.4)
  var c4 = SIMD16<Float>(repeating: 0.5)
  var c5 = SIMD16<Float>(repeating: 0.6)
  var c6 = SIMD16<Float>(repeating: 0.7)
  var c7 = SIMD16<Float>(repeating: 0.8)
  for _ in 0..<iterations {
    c0 = b.addingProduct(c0, a)
    c1 = b.addingProduct(c1, a)
    c2 = b.addingProduct(c2, a)
    c3 = b.addingProduct(c3, a)
    c4 = b.addingProduct(c4, a)
    c5 = b.addingProduct(c5, a)
    c6 = b.addingProduct(c6, a)
    c7 = b.addingProduct(c7, a)
  }
  let s = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7
  return s.sum()
}
