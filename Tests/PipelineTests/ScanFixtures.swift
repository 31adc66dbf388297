import Foundation
import Formats

@testable import Pipeline

/// Temporary cards and scan helpers shared by the pipeline tests.
enum ScanFixtures {
  static let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static var samples: URL { repositoryRoot.appendingPathComponent("SampleImages") }
  static var models: String { repositoryRoot.appendingPathComponent("Models").path }

  /// A fresh empty folder under the system temp directory.
  static func temporaryFolder(_ name: String = #function) throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("lookout-tests-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// A copy of the shipped demo card (images only).
  static func sampleCard() throws -> URL {
    let card = try temporaryFolder().appendingPathComponent("card")
    try FileManager.default.copyItem(at: samples, to: card)
    for extra in ["SOURCES.md", "expected.csv"] {
      try? FileManager.default.removeItem(at: card.appendingPathComponent(extra))
    }
    return card
  }

  static func configuration(card: URL, output: URL, jobs: Int = 2) -> ScanConfiguration {
    ScanConfiguration(
      input: card.path, output: output.path, modelDirectory: models, jobs: jobs, quiet: true)
  }

  /// An output file parsed as JSON with the timing members removed, for run-to-run comparison.
  static func timeless(_ file: URL) throws -> JSONValue {
    let value = try JSONParser.parse(Array(try Data(contentsOf: file)))
    return strip(value)
  }

  static let timingKeys: Set<String> = [
    "detection_completion_time", "seconds", "images_per_second", "started_at", "finished_at",
  ]

  private static func strip(_ value: JSONValue) -> JSONValue {
    switch value {
    case .object(let members):
      return .object(members.filter { !timingKeys.contains($0.0) }.map { ($0.0, strip($0.1)) })
    case .array(let items):
      return .array(items.map(strip))
    default:
      return value
    }
  }

  /// Asserts-friendly: every output of two scan folders, timing aside.
  static func outputsEqual(_ a: URL, _ b: URL) throws -> Bool {
    for name in ["detections.json", "summary.json"] {
      guard try timeless(a.appendingPathComponent(name)) == timeless(b.appendingPathComponent(name))
      else { return false }
    }
    for name in ["alerts.jsonl", "alerts.csv"] {
      guard
        try Data(contentsOf: a.appendingPathComponent(name))
          == Data(contentsOf: b.appendingPathComponent(name))
      else { return false }
    }
    return true
  }
}
