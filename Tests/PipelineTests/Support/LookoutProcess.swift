import Formats
import Foundation
import PipelineTestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// The built `lookout` executable run as a child process, so tests can kill it for real.
final class LookoutProcess {
  let process = Process()
  let outputPath: String

  /// How the child ended.
  struct Ending: CustomStringConvertible {
    /// The exit status, or nil when a signal ended it.
    var status: Int32?
    /// The signal that ended it, if any.
    var signal: Int32?
    var output: String

    var description: String {
      (status.map { "exit \($0)" } ?? "signal \(signal ?? -1)") + ": " + output
    }
  }

  /// Starts `lookout <arguments>` with the repository's model; stdout and stderr go to
  /// `outputPath`.
  init(_ arguments: [String], outputPath: String) throws {
    guard let executable = Repository.lookoutExecutable else {
      throw POSIXError(.ENOENT, userInfo: [NSLocalizedDescriptionKey: "lookout not built"])
    }
    self.outputPath = outputPath
    _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["LOOKOUT_MODEL_DIR"] = Repository.models
    process.environment = environment
    process.standardOutput = output
    process.standardError = output
    try process.run()
    try output.close()
  }

  var isRunning: Bool { process.isRunning }

  func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

  func wait() -> Ending {
    process.waitUntilExit()
    let output = String(decoding: readBytes(outputPath), as: UTF8.self)
    if process.terminationReason == .uncaughtSignal {
      return Ending(status: nil, signal: process.terminationStatus, output: output)
    }
    return Ending(status: process.terminationStatus, signal: nil, output: output)
  }

  /// Runs to completion.
  static func run(_ arguments: [String], outputPath: String) throws -> Ending {
    try LookoutProcess(arguments, outputPath: outputPath).wait()
  }

  /// Runs to completion with RLIMIT_FSIZE set to `fileSizeLimit` bytes in the child. With
  /// `passesModel` false, no `--model-dir` is added (for commands that take none, like `merge`).
  static func run(
    _ arguments: [String], fileSizeLimit: Int, outputPath: String, passesModel: Bool = true
  ) throws -> Ending {
    guard let executable = Repository.lookoutExecutable else {
      throw POSIXError(.ENOENT, userInfo: [NSLocalizedDescriptionKey: "lookout not built"])
    }
    unlink(outputPath)
    // The model location travels as an argument: the C helper passes no environment changes.
    let argv = [executable] + arguments + (passesModel ? ["--model-dir", Repository.models] : [])
    var cArguments = argv.map { strdup($0) }
    cArguments.append(nil)
    defer { for pointer in cArguments { free(pointer) } }
    let pid = cArguments.withUnsafeBufferPointer { buffer in
      lookout_spawn_with_file_size_limit(
        executable, buffer.baseAddress, Int64(fileSizeLimit), outputPath)
    }
    guard pid > 0 else { throw POSIXError(.ECHILD) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let output = String(decoding: readBytes(outputPath), as: UTF8.self)
    // The <sys/wait.h> macros, spelled out: low 7 bits = terminating signal, 0 = exited.
    let signal = status & 0x7F
    if signal != 0 { return Ending(status: nil, signal: signal, output: output) }
    return Ending(status: (status >> 8) & 0xFF, signal: nil, output: output)
  }
}

/// Complete lines in a checkpoint file right now (0 when it does not exist yet).
func checkpointLineCount(_ output: String) -> Int {
  readBytes(output + "/.lookout/checkpoint.jsonl").reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
}

/// Sleeps for `seconds` (fractions allowed).
func pause(_ seconds: Double) {
  usleep(useconds_t(max(0, seconds) * 1_000_000))
}
