import ArgumentParser
import Formats
import Foundation
import LookoutSystem
import Pipeline

#if canImport(Glibc)
  import Glibc
#endif

/// `lookout merge`: combine the outputs of sharded scans.
struct MergeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract: "Merge the output folders of `lookout scan --shard i/n` runs into one.",
    discussion: """
      The merged folder holds the same detections.json, alerts and summary that one unsharded \
      scan of the whole card would have written (timing fields aside). Shards made with another \
      model, other settings or other thresholds (per-site thresholds, --deployments and --areas \
      included) are refused, and missing or duplicate shards are named.

      --out must be a new folder, not one of the shards (exit status 64). Shards scanned with       a different --event-gap or static rule are refused (exit status 64). Static detections       are decided over every shard's images of a camera, as one scan decides them;       --keep-static and --static-* options replace the shards' static rule.

      Example (after a SLURM array of 16 tasks wrote out/shard-0 ... out/shard-15):
        lookout merge out/shard-* --out out/merged
      """)

  @Argument(help: "The shards' output folders.")
  var shards: [String]

  @Option(name: .long, help: "Folder for the merged outputs.")
  var out: String

  @OptionGroup var staticOptions: StaticOptions

  @Flag(name: [.short, .long], help: "No summary on stderr.")
  var quiet = false

  func validate() throws {
    guard !shards.isEmpty else { throw ValidationError("name at least one shard folder") }
  }

  func run() throws {
    // As scan: over a file-size limit a write fails with EFBIG, reported with the file, instead
    // of the process being killed by SIGXFSZ with its staging files left behind.
    signal(SIGXFSZ, SIG_IGN)
    do {
      let result = try ShardMerger.merge(
        shardDirectories: shards, output: out,
        staticRule: staticOptions.isGiven ? staticOptions.rule(over: .standard) : nil)
      if !quiet {
        let held = StaticOptions.heldBackLine(FinishedScan.heldBackAsStatic(directory: out))
        FileHandle.standardError.write(
          Data(
            ("Merged \(result.shards) shards: \(result.images) images, \(result.alerts) alerts, in \(TerminalText.escaped(out))/\n"
              + (held ?? "")).utf8))
      }
    } catch let error as MergeError {
      switch error {
      case .outputIsAShard, .settingsDiffer:
        printError(error.description)
        throw ExitCode(ScanExitStatus.usage)
      default:
        throw failure(error.description)
      }
    } catch {
      throw failure("\(error)")
    }
  }
}
