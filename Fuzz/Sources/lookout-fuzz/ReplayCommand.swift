#if !LOOKOUT_LIBFUZZER
  import Foundation
  import FuzzTargets

  /// Without libFuzzer (a plain `swift build`): replays saved inputs through a target (for
  /// regressions and for running the harnesses under valgrind) and writes seed corpora.
  ///
  ///     lookout-fuzz list
  ///     lookout-fuzz seeds <target> <folder>     seed inputs derived from the repository's files
  ///     lookout-fuzz replay <target> <file or folder>...
  @main
  enum ReplayCommand {
    static func main() {
      let arguments = Array(CommandLine.arguments.dropFirst())
      switch (arguments.first, arguments.count) {
      case ("list", _):
        for target in FuzzTarget.all { print("\(target.name)\t\(target.summary)") }
      case ("seeds", 3):
        guard let target = FuzzTarget.named(arguments[1]) else { usage() }
        let count = Seeds.write(for: target, into: arguments[2])
        print("\(count) seeds for \(target.name) in \(arguments[2])")
      case ("replay", 3...):
        guard let target = FuzzTarget.named(arguments[1]) else { usage() }
        var count = 0
        for path in arguments.dropFirst(2) {
          for file in Seeds.files(at: path) {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            target.run([UInt8](data))
            count += 1
          }
        }
        print("\(target.name): \(count) inputs replayed without a crash")
      default:
        usage()
      }
    }

    static func usage() -> Never {
      FileHandle.standardError.write(
        Data(
          """
          usage: lookout-fuzz list | seeds <target> <folder> | replay <target> <file|folder>...
          targets: \(FuzzTarget.all.map(\.name).joined(separator: ", "))

          """.utf8))
      exit(64)
    }
  }
#endif
