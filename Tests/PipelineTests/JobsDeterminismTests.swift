import Foundation
import Testing

@testable import Pipeline

/// A scan's results must not depend on how many lanes ran it: `--jobs 1` and `--jobs N` write the
/// same checkpoint (full-precision outcomes, in input order), the same alerts and the same
/// detections. The minimum confidence is set near zero so every image keeps its 100 best
/// candidates, which makes any difference in the numbers visible.
@Suite struct JobsDeterminismTests {
  static let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static func scan(jobs: Int, into output: URL) throws -> ScanReport {
    var settings = ImageScanSettings()
    settings.detection.minimumConfidence = 0.001
    let configuration = ScanConfiguration(
      input: repository.appendingPathComponent("SampleImages").path, output: output.path,
      modelDirectory: repository.appendingPathComponent("Models").path, jobs: jobs, quiet: true,
      image: settings)
    return try ScanRunner(configuration: configuration).run()
  }

  static func read(_ url: URL) throws -> Data { try Data(contentsOf: url) }

  /// detections.json without its completion time.
  static func detections(_ folder: URL) throws -> NSDictionary {
    let object = try JSONSerialization.jsonObject(
      with: read(folder.appendingPathComponent("detections.json")))
    let dictionary = (object as! NSDictionary).mutableCopy() as! NSMutableDictionary
    let info = (dictionary["info"] as! NSDictionary).mutableCopy() as! NSMutableDictionary
    info.removeObject(forKey: "detection_completion_time")
    dictionary["info"] = info
    return dictionary
  }

  @Test func oneLaneAndManyLanesGiveIdenticalResults() throws {
    let base = FileManager.default.temporaryDirectory
      .appendingPathComponent("lookout-jobs-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: base) }
    let serial = base.appendingPathComponent("jobs1")
    let parallel = base.appendingPathComponent("jobs3")
    let one = try Self.scan(jobs: 1, into: serial)
    let many = try Self.scan(jobs: 3, into: parallel)

    #expect(one.images == many.images && one.images >= 10)
    #expect(one.failures == many.failures)
    let checkpoint = ".lookout/checkpoint.jsonl"
    let serialCheckpoint = try Self.read(serial.appendingPathComponent(checkpoint))
    #expect(!serialCheckpoint.isEmpty)
    #expect(serialCheckpoint == (try Self.read(parallel.appendingPathComponent(checkpoint))))
    for name in ["alerts.csv", "alerts.jsonl"] {
      #expect(
        (try Self.read(serial.appendingPathComponent(name)))
          == (try Self.read(parallel.appendingPathComponent(name))), "\(name) differs")
    }
    let detections = try Self.detections(serial)
    #expect(detections == (try Self.detections(parallel)))
    // The comparison means something only if there are detections to compare.
    let images = detections["images"] as! [NSDictionary]
    #expect(images.contains { (($0["detections"] as? [Any])?.count ?? 0) > 0 })
  }
}
