import Foundation
import Formats
import LookoutCore
import Testing

@testable import Pipeline

/// Images with no place (no deployment, no site or camera folder) are grouped per folder, under
/// a key that no site, camera or deployment id can be; and merge refuses shards whose events or
/// static detections were decided with other settings.
@Suite struct UnplacedEventTests {
  typealias Card = OutcomeCard

  @Test func unplacedImagesAreGroupedPerFolderUnderACardKey() throws {
    let folder = try Card.folder([
      Card.image("IMG_0001.JPG", local: Card.time(0)),
      Card.image("IMG_0002.JPG", local: Card.time(5)),
      Card.image("DCIM/100MEDIA/IMG_0001.JPG", local: Card.time(0)),
      Card.image("DCIM/101MEDIA/IMG_0001.JPG", local: Card.time(2)),
      Card.image("cam1/IMG_0001.JPG", local: Card.time(0)),
    ])
    let ids = try Card.eventIDs(folder)
    #expect(ids["IMG_0001.JPG"] == "<card>#1")
    #expect(ids["IMG_0002.JPG"] == "<card>#1")
    #expect(ids["DCIM/100MEDIA/IMG_0001.JPG"] == "<card>/DCIM/100MEDIA#1")
    #expect(ids["DCIM/101MEDIA/IMG_0001.JPG"] == "<card>/DCIM/101MEDIA#1")
    #expect(ids["cam1/IMG_0001.JPG"] == "cam1#1")
    #expect(ids.values.allSatisfy { !$0.hasPrefix("#") })
  }

  static func shards(
    eventGaps: [Int], staticRules: [StaticRule] = Array(repeating: .standard, count: 2)
  ) throws -> [String] {
    let outcomes = (0..<8).map { Card.image("cam1/IMG_\(1000 + $0).JPG", local: Card.time($0)) }
    return try (0..<2).map { index in
      let selection = ShardSelection(index: index, count: 2)
      let part = outcomes.filter { selection.contains(relativePath: $0.file) }
      return try Card.folder(
        part, shard: selection, eventGapSeconds: eventGaps[index], staticRule: staticRules[index]
      ).path
    }
  }

  @Test func mergeRefusesShardsWithDifferentEventGaps() throws {
    let shards = try Self.shards(eventGaps: [60, 30])
    let out = try ScanFixtures.temporaryFolder().appendingPathComponent("merged").path
    do {
      _ = try ShardMerger.merge(shardDirectories: shards, output: out)
      Issue.record("merged shards with event gaps of 60 and 30 s")
    } catch let error as MergeError {
      let text = error.description
      #expect(text.contains(shards[0]))
      #expect(text.contains(shards[1]))
      #expect(text.contains("--event-gap 30"))
      #expect(text.contains("--event-gap 60"))
    }
    #expect(!FileManager.default.fileExists(atPath: out + "/detections.json"))
    // The command says so and exits 64, as for other usage mistakes.
    let command = try LookoutProcess.run(
      ["merge"] + shards + ["--out", out], outputPath: out + ".log")
    #expect(command.status == 64, "\(command)")
    #expect(command.output.contains("--event-gap 30"), "\(command)")
  }

  @Test func mergeRefusesShardsWithDifferentStaticRules() throws {
    let shards = try Self.shards(eventGaps: [60, 60], staticRules: [.standard, .off])
    let out = try ScanFixtures.temporaryFolder().appendingPathComponent("merged").path
    #expect(throws: MergeError.self) {
      _ = try ShardMerger.merge(shardDirectories: shards, output: out)
    }
    do {
      _ = try ShardMerger.merge(shardDirectories: shards, output: out)
    } catch let error as MergeError {
      #expect(error.description.contains("--keep-static"))
      #expect(error.description.contains(shards[1]))
    }
    // Given on the command line, the rule replaces the shards' own and they merge.
    _ = try ShardMerger.merge(shardDirectories: shards, output: out, staticRule: .off)
    #expect(FileManager.default.fileExists(atPath: out + "/detections.json"))
  }
}
