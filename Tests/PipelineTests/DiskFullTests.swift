import Foundation
import Formats
import Testing

@testable import Pipeline

#if canImport(Glibc)
  import Glibc
#endif

/// Writes that fail for lack of room: a file-size limit (RLIMIT_FSIZE in the child, EFBIG) and,
/// where this user may mount one, a tiny tmpfs (ENOSPC). The run must stop with status 1 and a
/// message naming the file and the reason; the outputs already in the folder stay exactly as
/// they were (valid JSON, never truncated); and a later unconstrained `--resume` finishes with
/// the outputs of an uninterrupted run.
@Suite(.enabled(if: Repository.lookoutExecutable != nil, "needs the built lookout executable"))
struct DiskFullTests {
  static let outputNames = ["detections.json", "alerts.jsonl", "alerts.csv", "summary.json"]

  static func readOutputs(_ directory: String) -> [String: [UInt8]] {
    var files: [String: [UInt8]] = [:]
    for name in outputNames { files[name] = readBytes(directory + "/" + name) }
    return files
  }

  /// The previous run's outputs: unchanged, and still valid documents.
  static func expectUnchanged(_ directory: String, _ before: [String: [UInt8]], _ label: String) {
    #expect(readOutputs(directory) == before, "\(label): the previous outputs changed")
    #expect((try? MegaDetectorOutput.decode(before["detections.json"] ?? [])) != nil, "\(label)")
    #expect((try? JSONParser.parse(before["summary.json"] ?? [])) != nil, "\(label)")
    #expect(
      temporaryFiles(under: directory).isEmpty, "\(label): \(temporaryFiles(under: directory))")
    // Nothing half-written is left in the staging folder either.
    let staging = directory + "/.lookout/staging"
    #expect(
      ((try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? []).isEmpty,
      "\(label): \((try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? [])")
  }

  /// First a small scan (default settings), then a scan with much larger outputs (every
  /// detection kept) that must fail, then a resume without the limit.
  static func scenario(
    folder: TemporaryFolder, output: String,
    constrained: (_ arguments: [String], _ label: String) throws -> LookoutProcess.Ending
  ) throws -> (first: LookoutProcess.Ending, second: LookoutProcess.Ending) {
    let card = folder.sub("card")
    if !FileManager.default.fileExists(atPath: card) { try makeBusyCard(at: card, copies: 2) }
    let small = ["scan", card, "--out", output, "--quiet", "--jobs", "2"]
    let large = ["scan", card, "--quiet", "--jobs", "2"] + alertEverythingArguments

    let reference = folder.sub("reference")
    let ending = try LookoutProcess.run(
      large + ["--out", reference], outputPath: folder.sub("reference.log"))
    try #require(ending.status == 0, "\(ending)")
    let previous = try LookoutProcess.run(small, outputPath: folder.sub("small.log"))
    try #require(previous.status == 0, "\(previous)")
    let before = readOutputs(output)

    // The checkpoint cannot take even one line.
    let first = try constrained(large + ["--out", output, "--overwrite"], "checkpoint")
    expectUnchanged(output, before, "checkpoint")
    // The checkpoint fits; the outputs do not.
    let second = try constrained(large + ["--out", output, "--overwrite"], "outputs")
    expectUnchanged(output, before, "outputs")

    let resumed = try LookoutProcess.run(
      large + ["--out", output, "--resume"], outputPath: folder.sub("resumed.log"))
    #expect(resumed.status == 0, "\(resumed)")
    expectSameOutputs(
      try OutputSnapshot(directory: output), try OutputSnapshot(directory: reference), "resumed")
    return (first, second)
  }

  /// Not under ThreadSanitizer: its runtime faults (SIGBUS at start-up, even for
  /// `lookout --help`) under a file-size limit below about 1 MB.
  @Test(
    .timeLimit(TestEnvironment.minutes(2)),
    .enabled(if: !TestEnvironment.underThreadSanitizer, "TSan's runtime faults under RLIMIT_FSIZE"))
  func fileSizeLimitFailsClearlyAndKeepsThePreviousOutputs() throws {
    let folder = try TemporaryFolder("file-size-limit")
    defer { folder.remove() }
    let output = folder.sub("out")
    var limits: [String: Int] = [:]
    let (first, second) = try Self.scenario(folder: folder, output: output) { arguments, label in
      if limits.isEmpty {
        // Between the largest checkpoint and the smallest large output.
        let reference = folder.sub("reference")
        func size(_ name: String) -> Int {
          ((try? FileManager.default.attributesOfItem(atPath: reference + "/" + name))?[.size]
            as? Int) ?? 0
        }
        let checkpoint = size(".lookout/checkpoint.jsonl")
        let detections = size("detections.json")
        try #require(checkpoint + 4096 < detections, "sizes \(checkpoint) and \(detections)")
        limits = ["checkpoint": 1024, "outputs": (checkpoint + detections) / 2]
      }
      return try LookoutProcess.run(
        arguments, fileSizeLimit: limits[label]!, outputPath: folder.sub(label + ".log"))
    }
    for (ending, file) in [(first, "/.lookout/checkpoint.jsonl"), (second, "/out/detections.json")]
    {
      #expect(ending.status == 1, "\(ending)")
      #expect(
        ending.output.contains(file) && ending.output.contains("file too large (EFBIG)"),
        "\(ending)")
    }
  }

  /// A merge that runs out of room (a file-size limit) fails with status 1 and the reason,
  /// leaves the previous merge's outputs as they were and nothing under `.lookout/staging/`.
  @Test(
    .timeLimit(TestEnvironment.minutes(2)),
    .enabled(if: !TestEnvironment.underThreadSanitizer, "TSan's runtime faults under RLIMIT_FSIZE"))
  func mergeOverAFileSizeLimitLeavesNoStagingBehind() throws {
    let folder = try TemporaryFolder("merge-file-size-limit")
    defer { folder.remove() }
    let card = folder.sub("card")
    try makeBusyCard(at: card, copies: 2)
    let shards = try (0..<2).map { index in
      let output = folder.sub("shard-\(index)")
      let scan = try LookoutProcess.run(
        ["scan", card, "--out", output, "--quiet", "--shard", "\(index)/2"]
          + alertEverythingArguments, outputPath: folder.sub("scan-\(index).log"))
      try #require(scan.status == 0, "\(scan)")
      return output
    }
    let merged = folder.sub("merged")
    let first = try LookoutProcess.run(
      ["merge"] + shards + ["--out", merged, "--quiet"], outputPath: folder.sub("merge.log"))
    try #require(first.status == 0, "\(first)")
    let before = Self.readOutputs(merged)
    let detections = before["detections.json"]?.count ?? 0
    try #require(detections > 4096)
    let limited = try LookoutProcess.run(
      ["merge"] + shards + ["--out", merged, "--quiet"], fileSizeLimit: detections / 2,
      outputPath: folder.sub("limited.log"), passesModel: false)
    #expect(limited.status == 1, "\(limited)")
    #expect(limited.output.contains("file too large (EFBIG)"), "\(limited)")
    Self.expectUnchanged(merged, before, "merge")
  }

  /// Root may mount a tmpfs here; elsewhere this test is skipped.
  @Test(
    .timeLimit(TestEnvironment.minutes(2)),
    .enabled(if: TinyDisk.canMount, "mounting a tmpfs needs root (CAP_SYS_ADMIN)"))
  func fullDiskFailsClearlyAndKeepsThePreviousOutputs() throws {
    let folder = try TemporaryFolder("disk-full")
    defer { folder.remove() }
    let disk = folder.sub("disk")
    try TinyDisk.mount(at: disk, bytes: 2 << 20)
    defer { TinyDisk.unmount(disk) }
    let output = disk + "/out"
    var sizes: (checkpoint: Int, detections: Int) = (0, 0)
    let (first, second) = try Self.scenario(folder: folder, output: output) { arguments, label in
      if sizes.checkpoint == 0 {
        let reference = folder.sub("reference")
        func size(_ name: String) -> Int {
          ((try? FileManager.default.attributesOfItem(atPath: reference + "/" + name))?[.size]
            as? Int) ?? 0
        }
        sizes = (size(".lookout/checkpoint.jsonl"), size("detections.json"))
      }
      // Leave room for nothing, then for the checkpoint (appended, then compacted beside
      // itself) but not for the four outputs.
      let room = label == "checkpoint" ? 0 : 2 * sizes.checkpoint + (64 << 10)
      try TinyDisk.fill(disk, leaving: room)
      defer { unlink(disk + "/filler") }
      return try LookoutProcess.run(arguments, outputPath: folder.sub(label + ".log"))
    }
    for ending in [first, second] {
      #expect(ending.status == 1, "\(ending)")
      #expect(ending.output.contains("disk full (ENOSPC)"), "\(ending)")
    }
    #expect(
      first.output.contains("checkpoint.jsonl") || first.output.contains("run.json"), "\(first)")
  }
}

/// A small tmpfs, for running out of space for real.
enum TinyDisk {
  static let canMount: Bool = {
    guard getuid() == 0, let folder = try? TemporaryFolder("tmpfs-probe") else { return false }
    defer { folder.remove() }
    guard (try? mount(at: folder.path, bytes: 1 << 20)) != nil else { return false }
    unmount(folder.path)
    return true
  }()

  static func mount(at path: String, bytes: Int) throws {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    try runTool("/bin/mount", ["-t", "tmpfs", "-o", "size=\(bytes)", "tmpfs", path])
  }

  static func unmount(_ path: String) {
    try? runTool("/bin/umount", [path])
  }

  /// Writes `<disk>/filler` so that about `room` bytes stay free.
  static func fill(_ disk: String, leaving room: Int) throws {
    var info = statvfs()
    try #require(statvfs(disk, &info) == 0)
    let free = Int(info.f_bavail) * Int(info.f_frsize)
    let fillerSize = max(0, free - room)
    let fd = open(disk + "/filler", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    try #require(fd >= 0)
    defer { close(fd) }
    let chunk = [UInt8](repeating: 0, count: 1 << 16)
    var written = 0
    while written < fillerSize {
      let n = chunk.withUnsafeBytes {
        write(fd, $0.baseAddress!, min($0.count, fillerSize - written))
      }
      if n <= 0 { break }
      written += n
    }
  }
}
