import Testing

@testable import Pipeline

@Suite struct ShardSelectionTests {
  @Test func parsesOnlyValidShards() {
    #expect(ShardSelection(parsing: "0/4") == ShardSelection(index: 0, count: 4))
    #expect(ShardSelection(parsing: "3/4") == ShardSelection(index: 3, count: 4))
    for bad in ["4/4", "-1/4", "1/0", "1", "a/b", "1/2/3", ""] {
      #expect(ShardSelection(parsing: bad) == nil, "\(bad)")
    }
  }

  @Test func everyFileIsInExactlyOneShardAndStaysThereWhenFilesAreAdded() {
    let names = (0..<500).map { "site/cam\($0 % 7)/IMG_\($0).JPG" }
    let shards = (0..<4).map { ShardSelection(index: $0, count: 4) }
    var sizes = [0, 0, 0, 0]
    for name in names {
      let owners = shards.filter { $0.contains(relativePath: name) }
      #expect(owners.count == 1)
      sizes[owners[0].index] += 1
    }
    // A hash partition is roughly balanced.
    #expect(sizes.allSatisfy { $0 > 80 && $0 < 170 }, "\(sizes)")
    // The partition depends on the path alone (known FNV-1a values pin it across releases).
    #expect(ShardSelection.fnv1a64("".utf8) == 0xcbf2_9ce4_8422_2325)
    #expect(ShardSelection.fnv1a64("a".utf8) == 0xaf63_dc4c_8601_ec8c)
  }

  @Test func schedulerEnvironment() throws {
    #expect(
      try SchedulerShard.fromEnvironment(
        ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "8"], count: nil)
        == ShardSelection(index: 2, count: 8))
    #expect(
      try SchedulerShard.fromEnvironment(
        ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "2"],
        count: nil) == ShardSelection(index: 3, count: 4))
    #expect(
      try SchedulerShard.fromEnvironment(["JOB_COMPLETION_INDEX": "0"], count: 3)
        == ShardSelection(index: 0, count: 3))
    #expect(throws: SchedulerShard.Missing.self) {
      try SchedulerShard.fromEnvironment(["JOB_COMPLETION_INDEX": "0"], count: nil)
    }
    #expect(throws: SchedulerShard.Missing.self) {
      try SchedulerShard.fromEnvironment(["JOB_COMPLETION_INDEX": "3"], count: 3)
    }
    #expect(throws: SchedulerShard.Missing.self) {
      try SchedulerShard.fromEnvironment([:], count: 3)
    }
  }
}
