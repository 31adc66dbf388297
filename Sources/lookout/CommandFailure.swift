import ArgumentParser
import Formats
import Foundation
import LookoutSystem

/// Prints `lookout: <message>` on stderr, control characters escaped (a file name could hold
/// terminal escape sequences).
func printError(_ message: String) {
  FileHandle.standardError.write(Data("lookout: \(TerminalText.escaped(message))\n".utf8))
}

/// Prints `lookout: <message>` on stderr (as ``printError(_:)``) and returns the exit status to
/// throw for a command that could not run (1): `throw failure("…")`.
func failure(_ message: String) -> ExitCode {
  printError(message)
  return .failure
}
