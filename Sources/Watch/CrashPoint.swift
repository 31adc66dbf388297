import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A fault-injection hook for the kill tests: in a debug build, `LOOKOUT_WATCH_CRASH_AT=<step>`
/// makes the process kill itself with SIGKILL the first time it reaches that step, so a test
/// can stop it at every step of a delivery instead of at random moments. Release builds compile
/// it to nothing.
///
/// Steps of a delivery to a sink `<sink>` (`jsonl`, `webhook`, `earthranger`):
/// `<sink>:start` (before its state is prepared), `<sink>:prepared` (state prepared and saved),
/// `jsonl:written` (the line written, not yet synced), `jsonl:synced` (written and synced, not
/// yet committed), `<sink>:committed` (the attempt committed).
enum CrashPoint {
  #if DEBUG
    private static let target = ProcessInfo.processInfo.environment["LOOKOUT_WATCH_CRASH_AT"]
  #endif

  /// Kills the process here when the environment names this step (debug builds only).
  static func reached(_ step: @autoclosure () -> String) {
    #if DEBUG
      if let target, target == step() { kill(getpid(), SIGKILL) }
    #endif
  }
}
