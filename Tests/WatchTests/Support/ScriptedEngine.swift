import Foundation
import LookoutCore
import Pipeline
import Watch

/// A deterministic stand-in for the detector, for tests of the watch logic itself (the real
/// detector is run by `RealDetectorTests` and the crash test). An "image" is a small text file:
///
///     person 0.9          one detection per line: label and confidence
///     person 0.7 at 0.2 0.5 0.05 0.15   ... and its box (default 0.1 0.2 0.3 0.4)
///     vehicle 0.7
///     captured 2024-05-01T06:12:00
///     gps -3.36 36.68
///     corrupt             the outcome is a decode failure
///
/// Every producer counts the files it scanned in `scans`, so tests can tell how often an image
/// was processed.
final class ScriptedEngine: OutcomeEngine, @unchecked Sendable {
  let modelName = "scripted"
  let modelVersion = "scripted-1"
  let defaultThresholds = AlertThresholds(animal: 0.3, person: 0.5, vehicle: 0.5)
  private let lock = NSLock()
  private var counts: [String: Int] = [:]

  func makeProducer() -> any ImageOutcomeProducing { ScriptedProducer(engine: self) }

  func noteScan(_ file: String) { lock.withLock { counts[file, default: 0] += 1 } }

  /// How many times each relative path was scanned.
  var scans: [String: Int] { lock.withLock { counts } }
}

final class ScriptedProducer: ImageOutcomeProducing {
  let engine: ScriptedEngine
  init(engine: ScriptedEngine) { self.engine = engine }

  func outcome(for file: CardFile) -> ImageOutcome {
    engine.noteScan(file.relativePath)
    var outcome = ImageOutcome(
      file: file.relativePath, size: file.size, modifiedNanoseconds: file.modifiedNanoseconds)
    let text = (try? String(contentsOfFile: file.displayPath, encoding: .utf8)) ?? ""
    var detections: [StoredDetection] = []
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: " ")
      guard let key = parts.first else { continue }
      switch key {
      case "corrupt":
        outcome.failureCode = "truncated"
        outcome.failureReason = "premature end of data"
        return outcome
      case "captured": outcome.capturedLocal = parts.count > 1 ? String(parts[1]) : nil
      case "gps":
        outcome.latitude = Double(parts[1])
        outcome.longitude = Double(parts[2])
      default:
        guard let index = DetectionClass(name: String(key))?.index, parts.count > 1,
          let confidence = Float(parts[1])
        else { continue }
        var box: [Float] = [0.1, 0.2, 0.3, 0.4]
        if parts.count == 7, parts[2] == "at" {
          box = parts[3...].compactMap { Float($0) }
        }
        detections.append(StoredDetection(classIndex: index, confidence: confidence, box: box))
      }
    }
    outcome.detections = detections
    return outcome
  }
}
