import Foundation
import Formats
import Testing

@testable import Pipeline

/// A finished scan is never replaced by accident: `--resume` over another card and `merge --out`
/// into one of its own shards are refused, and the folder stays as it was.
@Suite(.enabled(if: Repository.lookoutExecutable != nil, "needs the built lookout executable"))
struct ScanInputGuardTests {
  static func outputs(_ directory: String) -> [[UInt8]] {
    (DiskFullTests.outputNames + [".lookout/checkpoint.jsonl", ".lookout/run.json"]).map {
      readBytes(directory + "/" + $0)
    }
  }

  @Test func resumingWithAnotherInputIsAUsageError() throws {
    let folder = try TemporaryFolder("resume-other-input")
    defer { folder.remove() }
    try copySamples([Repository.thermalSamples[0]], into: folder.sub("cardA"))
    try copySamples([Repository.thermalSamples[1]], into: folder.sub("cardB"))
    let output = folder.sub("out")
    let first = try LookoutProcess.run(
      ["scan", folder.sub("cardA"), "--out", output, "--quiet"], outputPath: folder.sub("a.log"))
    try #require(first.status == 0, "\(first)")
    let before = Self.outputs(output)

    let other = try LookoutProcess.run(
      ["scan", folder.sub("cardB"), "--out", output, "--resume", "--quiet"],
      outputPath: folder.sub("b.log"))
    #expect(other.status == 64, "\(other)")
    #expect(
      other.output.contains(folder.sub("cardA")) && other.output.contains(folder.sub("cardB")),
      "\(other)")
    let unchanged = Self.outputs(output) == before
    #expect(unchanged, "the finished scan was changed")

    // The same card, spelled differently, still resumes.
    let same = try LookoutProcess.run(
      ["scan", folder.sub("cardA") + "/", "--out", output, "--resume", "--quiet"],
      outputPath: folder.sub("a2.log"))
    #expect(same.status == 0, "\(same)")
  }

  @Test func mergeRefusesToWriteOverOneOfItsShards() throws {
    let folder = try TemporaryFolder("merge-over-shard")
    defer { folder.remove() }
    let card = folder.sub("card")
    try copySamples(Array(Repository.thermalSamples.prefix(4)), into: card)
    let shards = try (0..<2).map { index in
      let output = folder.sub("shard-\(index)")
      try scanInProcess(card: card, output: output) { config in
        config.shard = ShardSelection(index: index, count: 2)
      }
      return output
    }
    let before = shards.map(Self.outputs)
    #expect(throws: MergeError.outputIsAShard(path: shards[1])) {
      _ = try ShardMerger.merge(shardDirectories: shards, output: shards[1])
    }
    // Spelled another way, through a symbolic link.
    try FileManager.default.createSymbolicLink(
      atPath: folder.sub("link"), withDestinationPath: shards[0])
    #expect(throws: MergeError.outputIsAShard(path: folder.sub("link") + "/.")) {
      _ = try ShardMerger.merge(shardDirectories: shards, output: folder.sub("link") + "/.")
    }
    let command = try LookoutProcess.run(
      ["merge"] + shards + ["--out", shards[0]], outputPath: folder.sub("merge.log"))
    #expect(command.status == 64, "\(command)")
    #expect(command.output.contains("is one of the shards"), "\(command)")
    let unchanged = shards.map(Self.outputs) == before
    #expect(unchanged, "a shard was changed")
    // Into a new folder, it still works.
    _ = try ShardMerger.merge(shardDirectories: shards, output: folder.sub("merged"))
  }
}
