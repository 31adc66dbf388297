import ArgumentParser
import Foundation

/// Prints `lookout: <message>` on stderr and returns the exit status to throw for a command
/// that could not run (1): `throw failure("…")`.
func failure(_ message: String) -> ExitCode {
  FileHandle.standardError.write(Data("lookout: \(message)\n".utf8))
  return .failure
}
