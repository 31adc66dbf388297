import Foundation
import Formats

/// Why shard outputs cannot be merged.
public enum MergeError: Error, Sendable, Equatable, CustomStringConvertible {
  case notAShard(path: String)
  case unfinished(path: String, reason: String)
  case mismatch(path: String, reason: String)
  case duplicateShard(shard: String, paths: [String])
  case missingShards([String])

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
    }
  }
}

/// Merges the output folders of `lookout scan --shard i/n` runs into the outputs one unsharded
/// scan would have written (timing fields aside).
///
/// It refuses shards made with different models, settings or thresholds, and names duplicate or
/// missing shards. The merged outputs are derived from the shards' compacted checkpoints with the
/// same code a scan uses, which is what makes them equal.
public enum ShardMerger {
  public struct Result: Sendable {
    public var images: Int
    public var alerts: Int
    public var shards: Int
  }

  public static func merge(shardDirectories: [String], output: String) throws -> Result {
    precondition(!shardDirectories.isEmpty, "merge needs at least one shard")
    var shards: [(path: String, fingerprint: ScanFingerprint, info: RunInfo, seconds: Double)] = []
    for path in shardDirectories {
      let fingerprint = try ScanCheckpoint.readFingerprint(directory: path + "/.lookout")
      guard fingerprint.shard != nil else { throw MergeError.notAShard(path: path) }
      guard let detections = FileManager.default.contents(atPath: path + "/detections.json") else {
        throw MergeError.unfinished(path: path, reason: "no detections.json")
      }
      let results = try MegaDetectorOutput.decode(Array(detections))
      shards.append((path, fingerprint, results.info, summarySeconds(path)))
    }

    let first = shards[0]
    var firstFingerprint = first.fingerprint
    firstFingerprint.shard = nil
    for shard in shards.dropFirst() {
      var fingerprint = shard.fingerprint
      fingerprint.shard = nil
      if let difference = firstFingerprint.firstDifference(from: fingerprint) {
        throw MergeError.mismatch(path: shard.path, reason: difference)
      }
      if shard.info.lookout?.classThresholds != first.info.lookout?.classThresholds {
        throw MergeError.mismatch(path: shard.path, reason: "its alert thresholds differ")
      }
    }

    var byIndex: [Int: [String]] = [:]
    var count = 0
    for shard in shards {
      guard let selection = shard.fingerprint.shard.flatMap(ShardSelection.init(parsing:)) else {
        throw MergeError.notAShard(path: shard.path)
      }
      if count == 0 { count = selection.count }
      guard selection.count == count else {
        throw MergeError.mismatch(
          path: shard.path, reason: "it is shard \(selection) but the first is one of \(count)")
      }
      byIndex[selection.index, default: []].append(shard.path)
    }
    if let (index, paths) = byIndex.sorted(by: { $0.key < $1.key }).first(where: { $0.value.count > 1 }) {
      throw MergeError.duplicateShard(shard: "\(index)/\(count)", paths: paths)
    }
    let missing = (0..<count).filter { byIndex[$0] == nil }.map { "\($0)/\(count)" }
    guard missing.isEmpty else { throw MergeError.missingShards(missing) }

    var outcomes: [ImageOutcome] = []
    for shard in shards {
      outcomes += ScanCheckpoint.loadOutcomes(path: shard.path + "/.lookout/checkpoint.jsonl")
    }
    outcomes.sort { $0.file.utf8.lexicographicallyPrecedes($1.file.utf8) }

    let thresholds = first.info.lookout?.classThresholds ?? [:]
    func threshold(_ name: String) -> Float {
      Float(thresholds[name] ?? Double(ModelBundle.fallbackThresholds.person))
    }
    let context = OutputContext(
      modelName: first.fingerprint.modelName, modelVersion: first.fingerprint.modelVersion,
      thresholds: AlertThresholds(
        animal: threshold("animal"), person: threshold("person"), vehicle: threshold("vehicle")),
      inputLongSide: first.fingerprint.inputLongSide,
      minimumConfidence: first.fingerprint.minimumConfidence, started: Date(), finished: Date(),
      seconds: shards.map(\.seconds).reduce(0, +))
    try OutputFiles.makeDirectory(output)
    let alerts = try ScanOutputs.write(outcomes: outcomes, context: context, directory: output)
    return Result(images: outcomes.count, alerts: alerts.count, shards: shards.count)
  }

  private static func summarySeconds(_ path: String) -> Double {
    guard let bytes = FileManager.default.contents(atPath: path + "/summary.json"),
      let value = try? JSONParser.parse(Array(bytes))
    else { return 0 }
    return value["seconds"]?.doubleValue ?? 0
  }
}
