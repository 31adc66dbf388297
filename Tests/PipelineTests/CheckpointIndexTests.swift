import Foundation
import Testing

@testable import Pipeline

/// `merge` and `rethreshold` read a finished scan's checkpoint through a compact index in file
/// order instead of a dictionary of paths; it must keep the dictionary's rule (the latest line
/// of a file wins, damaged lines are skipped) and the merge's (a file in several scans is taken
/// from the last).
@Suite struct CheckpointIndexTests {
  /// Writes `files`' outcome lines (size = the position in `files`) and returns the checkpoint's
  /// path and each line's offset.
  static func checkpoint(
    _ files: [String], damagedAfter damaged: Int? = nil, name: String = #function
  ) throws -> (path: String, offsets: [Int64]) {
    let folder = try ScanFixtures.temporaryFolder(name)
    var bytes: [UInt8] = []
    var offsets: [Int64] = []
    for (n, file) in files.enumerated() {
      offsets.append(Int64(bytes.count))
      bytes += ScanCheckpoint.encode(
        ImageOutcome(file: file, size: Int64(n), modifiedNanoseconds: 7))
      bytes.append(UInt8(ascii: "\n"))
      if n == damaged { bytes += Array("{\"file\": \"broken\n".utf8) }
    }
    let path = folder.appendingPathComponent("checkpoint.jsonl").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return (path, offsets)
  }

  static func files(_ index: CheckpointIndex) -> [String] {
    (0..<index.count).map(index.file(at:))
  }

  /// The index's lines by file (each file once: a repeated file would trap here).
  static func entries(_ index: CheckpointIndex) -> [String: ScanCheckpoint.Entry] {
    Dictionary(
      uniqueKeysWithValues: (0..<index.count).map { (index.file(at: $0), index.entry(at: $0)) })
  }

  @Test func aCompactedCheckpointIsIndexedAsRead() throws {
    let names = ["a/1.jpg", "a/2.jpg", "b/1.jpg", "b/10.jpg", "b/2.jpg", "é.jpg"]
    let (path, offsets) = try Self.checkpoint(names)
    // Chunks far smaller than a line: lines cross every chunk boundary.
    let index = try CheckpointIndex.read(path: path, chunkBytes: 16)
    #expect(Self.files(index) == names)
    let byFile = Self.entries(index)
    for (n, name) in names.enumerated() {
      let entry = try #require(byFile[name])
      #expect(entry.offset == offsets[n])
      #expect(entry.size == Int64(n))
      #expect(entry == index.entry(at: n))
    }
    #expect(byFile["a"] == nil)
    #expect(byFile["b/3.jpg"] == nil)
    #expect(byFile["z.jpg"] == nil)
  }

  @Test func linesOutOfOrderAreSortedAndTheLatestLineOfAFileWins() throws {
    // A resumed run appended to a compacted checkpoint: b.jpg again, then an earlier file.
    let written = ["a.jpg", "b.jpg", "c.jpg", "b.jpg", "A.jpg", "c.jpg"]
    let (path, offsets) = try Self.checkpoint(written, damagedAfter: 2)
    let index = try CheckpointIndex.read(path: path, chunkBytes: 64)
    #expect(Self.files(index) == ["A.jpg", "a.jpg", "b.jpg", "c.jpg"])
    let byFile = Self.entries(index)
    #expect(byFile["b.jpg"]?.size == 3)
    #expect(byFile["b.jpg"]?.offset == offsets[3])
    #expect(byFile["c.jpg"]?.size == 5)
    #expect(byFile["a.jpg"]?.offset == 0)
  }

  @Test func aMissingCheckpointIsEmpty() throws {
    let folder = try ScanFixtures.temporaryFolder()
    let index = try CheckpointIndex.read(path: folder.appendingPathComponent("none.jsonl").path)
    #expect(index.count == 0)
    #expect(Array(CheckpointIndex.mergedItems([index, index])).isEmpty)
  }

  @Test func mergedItemsTakeEachFileOnceFromTheLastScanThatHasIt() throws {
    let shards = [
      ["cam1/01.jpg", "cam1/03.jpg", "cam2/01.jpg", "cam2/05.jpg"],
      ["cam1/02.jpg", "cam1/03.jpg", "cam3/01.jpg"],
      [],
      ["cam0/09.jpg", "cam2/05.jpg", "cam3/01.jpg", "cam3/02.jpg"],
    ]
    var indexes: [CheckpointIndex] = []
    var expected: [String: (source: Int, size: Int64)] = [:]
    for (source, files) in shards.enumerated() {
      let (path, _) = try Self.checkpoint(files, name: "shard\(source)")
      indexes.append(try CheckpointIndex.read(path: path))
      for (n, file) in files.enumerated() { expected[file] = (source, Int64(n)) }
    }
    let items = Array(CheckpointIndex.mergedItems(indexes))
    #expect(
      items.map(\.file) == expected.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    for item in items {
      #expect(item.source == expected[item.file]?.source, "\(item.file)")
      #expect(item.entry?.size == expected[item.file]?.size, "\(item.file)")
      #expect(item.size == expected[item.file]?.size)
    }
  }
}
