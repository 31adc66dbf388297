import Formats
import Foundation
import LookoutSystem
import Testing

@testable import Pipeline

#if canImport(Glibc)
  import Glibc
#endif

/// Paths inside the repository, found from this file's location (no resources are copied).
enum Repository {
  /// The repository root: Tests/PipelineTests/Support/TestCard.swift, four levels up.
  static let root: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  static var models: String { root.appendingPathComponent("Models").path }

  /// A file under SampleImages/.
  static func sample(_ relative: String) -> URL {
    root.appendingPathComponent("SampleImages").appendingPathComponent(relative)
  }

  static func sampleBytes(_ relative: String) throws -> [UInt8] {
    try LookoutSystem.FileReader.read(sample(relative).path)
  }

  /// Every image of SampleImages/ except the deliberately truncated one, by relative path.
  static let goodSamples = [
    "ridge-north/drone01/DJI_20240914061203_0001_T.JPG",
    "ridge-north/drone01/DJI_20240914061418_0002_T.JPG",
    "ridge-north/drone01/DJI_20240914061655_0003_T.JPG",
    "ridge-north/drone01/DJI_20240914062031_0004_T.JPG",
    "ridge-north/drone01/DJI_20240914214705_0005_T.JPG",
    "ridge-north/drone01/DJI_20240914215212_0006_T.png",
    "river-camp/cam03/RCNX0001.JPG",
    "river-camp/cam03/RCNX0002.JPG",
    "river-camp/cam03/RCNX0003.jpeg",
    "river-camp/cam03/RCNX0004.jpg",
    "river-camp/cam03/RCNX0005.JPEG",
  ]

  /// The small thermal samples (fast to scan), for cards that need many images.
  static let thermalSamples = Array(goodSamples.prefix(6))

  /// The `lookout` executable built next to the test binary (`swift build --build-tests` and
  /// `swift test` build it, with the same sanitizers), or nil when it is missing.
  static let lookoutExecutable: String? = {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    var candidates: [String] = []
    if count > 0 {
      let binary = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
      // .../debug/LookoutPackageTests.xctest (a file on Linux): lookout sits beside it.
      candidates.append(URL(fileURLWithPath: binary).deletingLastPathComponent().path + "/lookout")
    }
    candidates.append(root.appendingPathComponent(".build/debug/lookout").path)
    return candidates.first { access($0, X_OK) == 0 }
  }()
}

/// The bytes of a file through POSIX reads (Foundation's whole-file readers leak a buffer per
/// empty file on Linux, which would drown LeakSanitizer's report); empty when unreadable.
func readBytes(_ path: String) -> [UInt8] {
  (try? LookoutSystem.FileReader.read(path)) ?? []
}

/// How the tests are being run. `scripts/sanitize` sets `LOOKOUT_SANITIZER` to `address` or
/// `thread`: sanitized builds run the detector several times slower, so the process tests use
/// smaller cards, fewer kill rounds and longer time limits there.
enum TestEnvironment {
  static let sanitizer = ProcessInfo.processInfo.environment["LOOKOUT_SANITIZER"]
  static var underThreadSanitizer: Bool { sanitizer == "thread" }
  static let slowdown = sanitizer == "thread" ? 8 : sanitizer == "address" ? 3 : 1

  /// A time limit of `minutes` in a plain build, scaled for sanitized ones.
  static func minutes(_ minutes: Int) -> TimeLimitTrait.Duration { .minutes(minutes * slowdown) }

  /// Copies of the thermal samples on a busy card: fewer under ThreadSanitizer.
  static let busyCopies = underThreadSanitizer ? 2 : 8
}

/// The same outputs, field by field (a failure names the file instead of printing both).
func expectSameOutputs(_ actual: OutputSnapshot, _ expected: OutputSnapshot, _ label: String) {
  #expect(actual.detections == expected.detections, "\(label): detections.json differs")
  #expect(actual.summary == expected.summary, "\(label): summary.json differs")
  #expect(actual.alertsJSONL == expected.alertsJSONL, "\(label): alerts.jsonl differs")
  #expect(actual.alertsCSV == expected.alertsCSV, "\(label): alerts.csv differs")
  #expect(actual.checkpoint == expected.checkpoint, "\(label): the checkpoint differs")
}

/// A fresh folder under the system temporary folder; `remove()` deletes it with `rm -rf`,
/// which copes with what FileManager cannot (paths longer than PATH_MAX, odd names).
final class TemporaryFolder {
  let path: String

  init(_ label: String = "pipeline-tests") throws {
    path =
      FileManager.default.temporaryDirectory
      .appendingPathComponent("\(label)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  func sub(_ relative: String) -> String { path + "/" + relative }

  func remove() {
    let rm = Process()
    rm.executableURL = URL(fileURLWithPath: "/bin/rm")
    rm.arguments = ["-rf", path]
    try? rm.run()
    rm.waitUntilExit()
  }
}

/// Writes `bytes` to `path`, creating the parent folders.
func writeFile(_ path: String, _ bytes: [UInt8]) throws {
  let url = URL(fileURLWithPath: path)
  try FileManager.default.createDirectory(
    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
  try Data(bytes).write(to: url)
}

/// Copies sample images into `card` under the same relative paths (or `prefix` + path).
func copySamples(_ relatives: [String], into card: String, prefix: String = "") throws {
  for relative in relatives {
    try writeFile(card + "/" + prefix + relative, try Repository.sampleBytes(relative))
  }
}

/// A card of `copies` copies of the thermal samples plus the rotated camera-trap frames and two
/// broken files: enough images that a scan takes a noticeable time, with alerts and failures.
func makeBusyCard(at card: String, copies: Int) throws {
  for copy in 0..<copies {
    try copySamples(Repository.thermalSamples, into: card, prefix: "flight\(copy)/")
  }
  try copySamples(
    ["river-camp/cam03/RCNX0003.jpeg", "river-camp/cam03/RCNX0005.JPEG"], into: card)
  try writeFile(card + "/broken/cam/notes.jpg", Array("not a photo\n".utf8))
  let jpeg = try Repository.sampleBytes(Repository.thermalSamples[0])
  try writeFile(card + "/broken/cam/cut.jpg", Array(jpeg.prefix(jpeg.count / 2)))
}

/// Settings that make even an untrained model raise alerts: every detection is kept and any
/// person or vehicle alerts. Tests never depend on what the model finds, only on equality.
let alertEverythingArguments = [
  "--min-confidence", "0", "--threshold", "person=0", "--threshold", "vehicle=0",
]

/// Runs a scan in this process.
@discardableResult
func scanInProcess(
  card: String, output: String, jobs: Int = 2, readCalls: any ImageReadCalls = SystemReadCalls(),
  configure: (inout ScanConfiguration) -> Void = { _ in }
) throws -> ScanReport {
  var configuration = ScanConfiguration(
    input: card, output: output, modelDirectory: Repository.models, jobs: jobs, quiet: true)
  configure(&configuration)
  return try ScanRunner(configuration: configuration, readCalls: readCalls).run()
}

/// The four outputs of a finished scan, with the timing fields removed so that two runs over the
/// same card compare equal: `detection_completion_time`, `seconds`, `images_per_second`,
/// `started_at`, `finished_at`. The alert files are compared byte for byte.
struct OutputSnapshot: Equatable {
  var detections: JSONValue
  var summary: JSONValue
  var alertsJSONL: [UInt8]
  var alertsCSV: [UInt8]
  /// The compacted checkpoint, byte for byte.
  var checkpoint: [UInt8]

  static let timingFields: Set<String> = [
    "detection_completion_time", "seconds", "images_per_second", "started_at", "finished_at",
  ]

  init(directory: String) throws {
    func read(_ name: String) throws -> [UInt8] {
      try LookoutSystem.FileReader.read(directory + "/" + name)
    }
    detections = Self.withoutTiming(try JSONParser.parse(try read("detections.json")))
    summary = Self.withoutTiming(try JSONParser.parse(try read("summary.json")))
    alertsJSONL = try read("alerts.jsonl")
    alertsCSV = try read("alerts.csv")
    checkpoint = try read(".lookout/checkpoint.jsonl")
  }

  /// The checkpoint's outcomes by file (the last line of each file).
  var checkpointOutcomes: [String: ImageOutcome] {
    Dictionary(
      ScanCheckpoint.outcomes(inJSONLines: checkpoint).map { ($0.file, $0) },
      uniquingKeysWith: { _, last in last })
  }

  /// Drops the timing members from objects at any depth.
  static func withoutTiming(_ value: JSONValue) -> JSONValue {
    switch value {
    case .object(let members):
      return .object(
        members.filter { !timingFields.contains($0.0) }.map { ($0.0, withoutTiming($0.1)) })
    case .array(let elements): return .array(elements.map(withoutTiming))
    default: return value
    }
  }

  /// The `images` records of detections.json by file.
  var imageRecords: [String: JSONValue] {
    var records: [String: JSONValue] = [:]
    for record in detections["images"]?.arrayValue ?? [] {
      if let file = record["file"]?.stringValue { records[file] = record }
    }
    return records
  }

  /// The `id` of every line of alerts.jsonl, in order.
  var alertIDs: [String] {
    JSONLinesReader.split(alertsJSONL).lines.compactMap {
      (try? JSONParser.parse($0))?["id"]?.stringValue
    }
  }
}

/// Every entry under `directory` whose name holds `.tmp-` (an atomic writer's temporary file).
func temporaryFiles(under directory: String) -> [String] {
  guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
  return enumerator.compactMap { $0 as? String }.filter { $0.contains(".tmp-") }
}
