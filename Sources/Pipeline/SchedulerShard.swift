/// Reads the shard a scheduler assigned to this process from its environment.
public enum SchedulerShard {
  public struct Missing: Error, CustomStringConvertible {
    public var description: String
  }

  /// SLURM array jobs: `SLURM_ARRAY_TASK_ID` with `SLURM_ARRAY_TASK_COUNT` (the id is taken
  /// relative to `SLURM_ARRAY_TASK_MIN`, so `--array=1-16` works too). Kubernetes Indexed Jobs:
  /// `JOB_COMPLETION_INDEX` with `count` (the Job's `completions`), which Kubernetes does not
  /// export. `count`, when given, must agree with SLURM's.
  public static func fromEnvironment(_ environment: [String: String], count: Int?) throws
    -> ShardSelection
  {
    if let id = environment["SLURM_ARRAY_TASK_ID"].flatMap(Int.init) {
      guard let total = environment["SLURM_ARRAY_TASK_COUNT"].flatMap(Int.init) ?? count else {
        throw Missing(description: "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not")
      }
      if let count, count != total {
        throw Missing(description: "--shard-count \(count) disagrees with SLURM's \(total)")
      }
      let minimum = environment["SLURM_ARRAY_TASK_MIN"].flatMap(Int.init) ?? 0
      return try checked(index: id - minimum, count: total)
    }
    if let index = environment["JOB_COMPLETION_INDEX"].flatMap(Int.init) {
      guard let count else {
        throw Missing(description: "JOB_COMPLETION_INDEX is set: give the Job's completions as --shard-count")
      }
      return try checked(index: index, count: count)
    }
    throw Missing(
      description: "neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set")
  }

  private static func checked(index: Int, count: Int) throws -> ShardSelection {
    guard count >= 1, index >= 0, index < count else {
      throw Missing(description: "shard \(index) of \(count) is out of range")
    }
    return ShardSelection(index: index, count: count)
  }
}
