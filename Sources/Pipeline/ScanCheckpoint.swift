import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The settings that decide what detections an image gets. A checkpoint is resumable only by a
/// run with the same fingerprint; thresholds are not part of it because alerts are derived from
/// the stored detections when the outputs are written.
public struct ScanFingerprint: Codable, Sendable, Equatable {
  public var modelName: String
  public var modelVersion: String
  public var weightsDigest: String
  public var inputLongSide: Int
  public var minimumConfidence: Float
  public var tile: String
  public var maxPixels: Int
  public var shard: String?

  public init(
    modelName: String, modelVersion: String, weightsDigest: String, inputLongSide: Int,
    minimumConfidence: Float, tile: String, maxPixels: Int, shard: String?
  ) {
    self.modelName = modelName
    self.modelVersion = modelVersion
    self.weightsDigest = weightsDigest
    self.inputLongSide = inputLongSide
    self.minimumConfidence = minimumConfidence
    self.tile = tile
    self.maxPixels = maxPixels
    self.shard = shard
  }

  /// The first setting that differs from `other`, for the error message.
  func firstDifference(from other: ScanFingerprint) -> String? {
    if modelName != other.modelName || modelVersion != other.modelVersion
      || weightsDigest != other.weightsDigest
    {
      return "it was made with model \(other.modelName) \(other.modelVersion)"
    }
    if inputLongSide != other.inputLongSide { return "its input size was \(other.inputLongSide)" }
    if minimumConfidence != other.minimumConfidence {
      return "its minimum confidence was \(other.minimumConfidence)"
    }
    if tile != other.tile { return "its tile setting was \(other.tile)" }
    if maxPixels != other.maxPixels { return "its pixel limit was \(other.maxPixels)" }
    if shard != other.shard { return "it was shard \(other.shard ?? "none")" }
    return nil
  }
}

/// Crash-safe progress of a scan, kept in `<output>/.lookout/`.
///
/// `run.json` holds the fingerprint (written atomically before any image); `checkpoint.jsonl`
/// gets one line per finished image, each appended with a single `write(2)` so a `kill -9` can
/// at worst leave one torn last line, which loading ignores. The file is fsynced at most every
/// `syncInterval` seconds, which bounds what a power cut can lose; a killed process loses nothing
/// that `write` returned for.
public final class ScanCheckpoint {
  public let directory: String
  private var descriptor: Int32 = -1
  private var lastSync = DispatchTime.now()
  private let syncInterval: Double = 2

  public var checkpointPath: String { directory + "/checkpoint.jsonl" }
  public var fingerprintPath: String { directory + "/run.json" }

  public init(outputDirectory: String) {
    directory = outputDirectory + "/.lookout"
  }

  /// Whether a previous scan left a checkpoint here.
  public var exists: Bool { FileManager.default.fileExists(atPath: fingerprintPath) }

  /// Removes an earlier checkpoint and starts a new one with `fingerprint`.
  public func start(fingerprint: ScanFingerprint) throws(ScanError) {
    do {
      try? FileManager.default.removeItem(atPath: checkpointPath)
      try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true)
      let data = try JSONEncoder.sorted.encode(fingerprint)
      try OutputFiles.writeAtomically(Array(data), to: fingerprintPath)
    } catch let error as ScanError {
      throw error
    } catch {
      throw .outputUnwritable(path: directory, reason: "\(error)")
    }
    try openForAppend()
  }

  /// Loads the finished outcomes of an earlier run after checking it used the same settings.
  /// Later lines win over earlier ones for the same file.
  public func resume(fingerprint: ScanFingerprint) throws(ScanError) -> [String: ImageOutcome] {
    guard let data = FileManager.default.contents(atPath: fingerprintPath),
      let stored = try? JSONDecoder().decode(ScanFingerprint.self, from: data)
    else {
      throw .checkpointMismatch(path: fingerprintPath, reason: "its settings file is unreadable")
    }
    if let difference = fingerprint.firstDifference(from: stored) {
      throw .checkpointMismatch(path: directory, reason: difference)
    }
    let outcomes = Self.loadOutcomes(path: checkpointPath)
    try openForAppend()
    return outcomes
  }

  /// Appends one finished image.
  public func append(_ outcome: ImageOutcome) throws(ScanError) {
    guard var line = try? JSONEncoder.sorted.encode(outcome) else { return }
    line.append(UInt8(ascii: "\n"))
    let written = line.withUnsafeBytes { raw in
      write(descriptor, raw.baseAddress, raw.count)
    }
    guard written == line.count else {
      let reason = written < 0 ? String(cString: strerror(errno)) : "short write"
      throw .outputUnwritable(path: checkpointPath, reason: reason)
    }
    let now = DispatchTime.now()
    if Double(now.uptimeNanoseconds - lastSync.uptimeNanoseconds) / 1e9 >= syncInterval {
      fsync(descriptor)
      lastSync = now
    }
  }

  /// Flushes and closes the checkpoint file.
  public func close() {
    guard descriptor >= 0 else { return }
    fsync(descriptor)
    Glibc.close(descriptor)
    descriptor = -1
  }

  deinit { close() }

  /// Reads every complete, decodable line; a torn last line is ignored.
  public static func loadOutcomes(path: String) -> [String: ImageOutcome] {
    guard let data = FileManager.default.contents(atPath: path) else { return [:] }
    var outcomes: [String: ImageOutcome] = [:]
    let decoder = JSONDecoder()
    var start = data.startIndex
    while let end = data[start...].firstIndex(of: UInt8(ascii: "\n")) {
      if let outcome = try? decoder.decode(ImageOutcome.self, from: data[start..<end]) {
        outcomes[outcome.file] = outcome
      }
      start = data.index(after: end)
    }
    return outcomes
  }

  private func openForAppend() throws(ScanError) {
    descriptor = open(checkpointPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw .outputUnwritable(path: checkpointPath, reason: String(cString: strerror(errno)))
    }
  }
}

extension JSONEncoder {
  /// An encoder with sorted keys: the same value always gives the same bytes.
  static var sorted: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
  }
}
