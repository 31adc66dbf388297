import ArgumentParser
import Foundation

/// `lookout-bench`: the measurements behind `scripts/bench` that need code inside the process
/// (the machine's FP32 peak, the network's kernels, decoding alone). Not part of the `lookout`
/// command line; every subcommand prints a human table, or one JSON object with `--json`.
@main
struct LookoutBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lookout-bench",
    abstract: "Micro-benchmarks for scripts/bench: FP32 peak, network kernels, decoding.",
    subcommands: [
      PeakCommand.self, NetworkCommand.self, DecodeCommand.self, EvaluateCommand.self,
    ])
}

/// Seconds since an arbitrary origin, monotonic.
func now() -> Double {
  Double(DispatchTime.now().uptimeNanoseconds) / 1e9
}

/// CPU seconds this thread has run: unlike the wall clock, it leaves out the time other
/// processes had the core (this machine is often shared).
func threadCPUTime() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func median(_ values: [Double]) -> Double {
  precondition(!values.isEmpty)
  let s = values.sorted()
  return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func printJSON(_ object: [String: Any]) {
  let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
  print(String(decoding: data, as: UTF8.self))
}

/// The model folder: `--model-dir`, `$LOOKOUT_MODEL_DIR`, or `Models/` in the current folder.
func modelDirectory(_ explicit: String?) -> URL {
  if let explicit { return URL(fileURLWithPath: explicit) }
  if let env = ProcessInfo.processInfo.environment["LOOKOUT_MODEL_DIR"], !env.isEmpty {
    return URL(fileURLWithPath: env)
  }
  return URL(fileURLWithPath: "Models")
}
