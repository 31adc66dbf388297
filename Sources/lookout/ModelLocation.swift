import Foundation

/// Finds the folder with the shipped model: `--model-dir`, then `$LOOKOUT_MODEL_DIR`, then
/// `Models/` near the executable (a build folder inside the repository, or `share/lookout/Models`
/// beside an installed `bin/`), then `./Models`.
enum ModelLocation {
  static func resolve(explicit: String?, name: String) -> String? {
    if let explicit { return explicit }
    if let env = ProcessInfo.processInfo.environment["LOOKOUT_MODEL_DIR"], !env.isEmpty {
      return env
    }
    var candidates: [URL] = []
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var folder = executable.deletingLastPathComponent()
    for _ in 0..<5 {
      candidates.append(folder.appendingPathComponent("Models"))
      candidates.append(folder.appendingPathComponent("share/lookout/Models"))
      folder = folder.deletingLastPathComponent()
    }
    candidates.append(URL(fileURLWithPath: "Models"))
    return candidates.first {
      FileManager.default.fileExists(atPath: $0.appendingPathComponent(name + ".json").path)
    }?.path
  }
}
