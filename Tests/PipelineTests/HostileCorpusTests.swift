import Foundation
import Formats
import Testing

@testable import Pipeline

/// The whole generated hostile corpus on one card with the good sample images: the run
/// completes, every hostile file is reported with its specific reason, and the good images'
/// records are exactly those of a clean run of the good images alone.
@Suite struct HostileCorpusTests {
  @Test func everyHostileFileIsReportedAndTheGoodImagesAreUnchanged() throws {
    let folder = try TemporaryFolder("hostile-corpus")
    defer { folder.remove() }

    // The clean run: the good samples alone.
    let cleanCard = folder.sub("clean-card")
    try copySamples(Repository.goodSamples, into: cleanCard)
    try scanInProcess(card: cleanCard, output: folder.sub("clean-out"))
    let clean = try OutputSnapshot(directory: folder.sub("clean-out"))

    // The same good samples plus the corpus.
    let card = folder.sub("card")
    try copySamples(Repository.goodSamples, into: card)
    let corpus = try HostileCorpus.build(in: card)
    if let keep = ProcessInfo.processInfo.environment["LOOKOUT_KEEP_HOSTILE_CORPUS"] {
      // For scripts/sanitize: the same card, built again where it stays, to scan under valgrind
      // (copying it is not an option: cp cannot follow paths longer than PATH_MAX).
      try? runTool("/bin/rm", ["-rf", keep])
      try FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
      try copySamples(Repository.goodSamples, into: keep)
      _ = try HostileCorpus.build(in: keep)
    }
    let report = try scanInProcess(card: card, output: folder.sub("out"))
    let outputs = try OutputSnapshot(directory: folder.sub("out"))
    let records = outputs.imageRecords

    // Good images: identical records, whatever the model finds.
    for file in Repository.goodSamples {
      #expect(records[file] == clean.imageRecords[file], "\(file) changed next to the corpus")
    }
    // Hostile files: the specific reason, or decoded, or not listed.
    for item in corpus.cases {
      let record = records[item.file]
      switch item.expectation {
      case .fails(let code, let mentioning):
        let failure =
          record?["failure"]?.stringValue ?? "<no failure: \(String(describing: record))>"
        #expect(failure.hasPrefix(code + ": "), "\(item.file): \(failure)")
        #expect(failure.contains(mentioning), "\(item.file): \(failure)")
        #expect(record?["detections"]?.arrayValue == nil, "\(item.file) failed but has detections")
      case .decodes(let width, let height):
        #expect(record?["failure"] == nil, "\(item.file): \(String(describing: record))")
        #expect(record?["detections"]?.arrayValue != nil, "\(item.file) has no detections list")
        #expect(
          record?["width"]?.intValue == width && record?["height"]?.intValue == height,
          "\(item.file): \(String(describing: record))")
      case .notListed:
        #expect(record == nil, "\(item.file) should not be an image record")
        #expect(
          !records.keys.contains { $0.hasPrefix(item.file + "/") && item.kind == "symlink" },
          "\(item.file) was entered again")
      }
    }
    // Nothing else was listed (e.g. a folder loop entered twice).
    let expectedFiles = Set(Repository.goodSamples).union(
      corpus.cases.filter { $0.expectation != .notListed }.map(\.file))
    #expect(Set(records.keys) == expectedFiles)

    // Walk problems: reported by the run and in summary.json.
    for skipped in corpus.skipped {
      let problem = report.folderProblems.first { $0.relativePath == skipped.path }
      #expect(
        problem?.reason.contains(skipped.mentioning) == true,
        "\(skipped.path): \(String(describing: problem)) in \(report.folderProblems)")
    }
    #expect(report.folderProblems.count == corpus.skipped.count, "\(report.folderProblems)")
    let notScanned = outputs.summary["not_scanned"]?.arrayValue ?? []
    #expect(notScanned.count == corpus.skipped.count)

    // summary.json tallies exactly the expected failures.
    let byReason = outputs.summary["failures"]?["by_reason"]?.objectMembers ?? []
    let tallied = Dictionary(uniqueKeysWithValues: byReason.map { ($0.0, $0.1.intValue ?? -1) })
    #expect(tallied == corpus.expectedFailureCounts)
    #expect(report.images == expectedFiles.count)

    let counts = corpus.countsByKind.sorted { $0.key < $1.key }
      .map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    print("hostile corpus: \(corpus.cases.count + corpus.skipped.count) cases: \(counts)")
    for (kind, why) in corpus.notBuilt { print("hostile corpus: not built: \(kind): \(why)") }
  }
}

/// Runs a tool to completion; throws when it fails.
func runTool(_ path: String, _ arguments: [String]) throws {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: path)
  process.arguments = arguments
  try process.run()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else {
    throw POSIXError(.EIO, userInfo: [NSLocalizedDescriptionKey: "\(path) \(arguments) failed"])
  }
}
