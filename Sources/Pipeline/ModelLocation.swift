import Foundation

/// Finds the folder with the shipped model (`<name>.json` and its weights).
///
/// The order: `--model-dir`, then `$LOOKOUT_MODEL_DIR`, then folders near the executable's own
/// path (`share/lookout/` or `share/lookout/Models/` beside an installed `bin/`, as
/// `scripts/install PREFIX` lays it out, or `Models/` above a build folder inside the
/// repository), then `./Models`. The executable's path comes from the operating system
/// (`/proc/self/exe` on Linux), not from `argv[0]`, so a binary started through `PATH` or from
/// another working directory still finds its model.
public enum ModelLocation {
  /// The folder that holds `<name>.json`, or nil when none of the places has it. `explicit` and a
  /// non-empty `LOOKOUT_MODEL_DIR` in `environment` are returned as given (checked when loaded).
  public static func resolve(
    explicit: String?, name: String,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    executablePath: String = currentExecutablePath(),
    fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
  ) -> String? {
    if let explicit { return explicit }
    if let fromEnvironment = environment["LOOKOUT_MODEL_DIR"], !fromEnvironment.isEmpty {
      return fromEnvironment
    }
    return candidates(executablePath: executablePath).first {
      fileExists(($0 as NSString).appendingPathComponent(name + ".json"))
    }
  }

  /// The folders searched near the executable, nearest first, then `Models` in the working
  /// directory.
  public static func candidates(executablePath: String) -> [String] {
    var folders: [String] = []
    var folder = (executablePath as NSString).deletingLastPathComponent
    for _ in 0..<5 {
      folders.append((folder as NSString).appendingPathComponent("Models"))
      folders.append((folder as NSString).appendingPathComponent("share/lookout"))
      folders.append((folder as NSString).appendingPathComponent("share/lookout/Models"))
      let parent = (folder as NSString).deletingLastPathComponent
      if parent == folder || parent.isEmpty { break }
      folder = parent
    }
    folders.append("Models")
    return folders
  }

  /// The running executable's absolute path with symlinks resolved: `/proc/self/exe` on Linux,
  /// elsewhere `argv[0]` made absolute against the working directory.
  public static func currentExecutablePath() -> String {
    #if os(Linux)
      if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        return target
      }
    #endif
    return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
  }
}
