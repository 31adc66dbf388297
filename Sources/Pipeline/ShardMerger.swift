import Foundation
import Formats
import LookoutCore

/// Why shard outputs cannot be merged.
public enum MergeError: Error, Sendable, Equatable, CustomStringConvertible {
  case notAShard(path: String)
  case unfinished(path: String, reason: String)
  case mismatch(path: String, reason: String)
  case duplicateShard(shard: String, paths: [String])
  case missingShards([String])
  /// A shard's events or static detections were decided with other settings than the first
  /// shard's (`value` and `firstValue`, as the scan's flags): merged, its images would be
  /// grouped or held back unlike the others'.
  case settingsDiffer(path: String, value: String, first: String, firstValue: String)
  /// `--out` is one of the shards' own folders (`path` as given), which merging would overwrite.
  case outputIsAShard(path: String)

  public var description: String {
    switch self {
    case .notAShard(let path):
      return "\(path) is not a shard's output (it was scanned without --shard)"
    case .unfinished(let path, let reason):
      return "\(path) holds no finished shard scan: \(reason)"
    case .mismatch(let path, let reason):
      return "\(path) does not match the first shard: \(reason)"
    case .duplicateShard(let shard, let paths):
      return "shard \(shard) appears more than once: \(paths.joined(separator: ", "))"
    case .missingShards(let shards):
      return "missing shards: \(shards.joined(separator: ", "))"
    case .settingsDiffer(let path, let value, let first, let firstValue):
      return
        "cannot merge shards scanned with different settings: \(path) was scanned with "
        + "\(value), \(first) with \(firstValue); scan every shard with the same options"
    case .outputIsAShard(let path):
      return
        "\(path) is one of the shards being merged; merging there would overwrite it, "
        + "choose a new folder for --out"
    }
  }
}

/// Merges the output folders of `lookout scan --shard i/n` runs into the outputs one unsharded
/// scan would have written (timing fields aside).
///
/// It refuses shards made with different models, settings or thresholds (per-site thresholds,
/// deployments and protected areas included), and names duplicate or missing shards. The merged outputs are derived from the shards' compacted checkpoints with the
/// same code a scan uses, which is what makes them equal.
public enum ShardMerger {
  public struct Result: Sendable {
    public var images: Int
    public var alerts: Int
    public var shards: Int
  }

  /// Merges `shardDirectories` into `output`, which must not be one of them (however named:
  /// links are resolved), since writing there would replace that shard's own outputs.
  /// The shards' static rule applies, unless `staticRule` gives another.
  public static func merge(
    shardDirectories: [String], output: String, staticRule: StaticRule? = nil
  ) throws -> Result {
    precondition(!shardDirectories.isEmpty, "merge needs at least one shard")
    let target = ScanRunner.canonicalPath(output)
    if shardDirectories.contains(where: { ScanRunner.canonicalPath($0) == target }) {
      throw MergeError.outputIsAShard(path: output)
    }
    let shards = try shardDirectories.map(FinishedScan.load(directory:))
    let first = shards[0]
    var unsharded = first.fingerprint
    unsharded.shard = nil
    // The card's path when every shard scanned it at the same one.
    let sameInput = shards.allSatisfy { $0.fingerprint.input == first.fingerprint.input }
    unsharded.input = sameInput ? first.fingerprint.input : nil
    var byIndex: [Int: [String]] = [:]
    var count = 0
    for shard in shards {
      guard let selection = shard.fingerprint.shard.flatMap(ShardSelection.init(parsing:)) else {
        throw MergeError.notAShard(path: shard.directory)
      }
      var fingerprint = shard.fingerprint
      fingerprint.shard = nil
      if let difference = unsharded.firstDifference(from: fingerprint) {
        throw MergeError.mismatch(path: shard.directory, reason: difference)
      }
      if shard.thresholds != first.thresholds {
        throw MergeError.mismatch(path: shard.directory, reason: "its alert thresholds differ")
      }
      if let difference = first.alerting.firstDifference(from: shard.alerting) {
        throw MergeError.mismatch(path: shard.directory, reason: difference)
      }
      if shard.eventGapSeconds != first.eventGapSeconds {
        throw MergeError.settingsDiffer(
          path: shard.directory, value: "--event-gap \(shard.eventGapSeconds)",
          first: first.directory, firstValue: "--event-gap \(first.eventGapSeconds)")
      }
      // A rule given to merge replaces the shards' own, so theirs need not agree then.
      if staticRule == nil, shard.staticRule != first.staticRule {
        throw MergeError.settingsDiffer(
          path: shard.directory, value: shard.staticRule.flags, first: first.directory,
          firstValue: first.staticRule.flags)
      }
      if count == 0 { count = selection.count }
      guard selection.count == count else {
        throw MergeError.mismatch(
          path: shard.directory,
          reason: "it is shard \(selection) but the first is one of \(count)")
      }
      byIndex[selection.index, default: []].append(shard.directory)
    }
    if let duplicate = byIndex.sorted(by: { $0.key < $1.key }).first(where: { $0.value.count > 1 })
    {
      throw MergeError.duplicateShard(shard: "\(duplicate.key)/\(count)", paths: duplicate.value)
    }
    let missing = (0..<count).filter { byIndex[$0] == nil }.map { "\($0)/\(count)" }
    guard missing.isEmpty else { throw MergeError.missingShards(missing) }

    let alerts = try FinishedScan.writeScanFolder(
      directory: output, fingerprint: unsharded, scans: shards, thresholds: first.thresholds,
      alerting: first.alerting, seconds: shards.map(\.seconds).reduce(0, +),
      eventGapSeconds: first.eventGapSeconds, perImageAlerts: first.perImageAlerts,
      staticRule: staticRule ?? first.staticRule)
    return Result(
      images: shards.map(\.imageCount).reduce(0, +), alerts: alerts.count, shards: shards.count)
  }
}
