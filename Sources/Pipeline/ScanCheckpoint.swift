import Formats
import Foundation
import LookoutSystem
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The settings that decide what detections an image gets, and the folder that was scanned. A
/// checkpoint is resumable only by a run with the same settings and input; thresholds are not
/// part of it because alerts are derived from the stored detections when the outputs are
/// written.
public struct ScanFingerprint: Codable, Sendable, Equatable {
  public var modelName: String
  public var modelVersion: String
  public var weightsDigest: String
  public var inputLongSide: Int
  public var minimumConfidence: Float
  public var tile: String
  public var maxPixels: Int
  public var shard: String?
  /// The scanned folder, with links resolved (`realpath(3)`); nil in a `run.json` written before
  /// it was recorded, and in a merge of shards that scanned different paths. Not compared by
  /// ``firstDifference(from:)``: shards of one card may see it mounted at different paths.
  public var input: String?
  /// `--video-fps` when it is not the default 1 (nil then, so a default run's `run.json` reads
  /// as before clips were scanned).
  public var videoFramesPerSecond: Double?

  public init(
    modelName: String, modelVersion: String, weightsDigest: String, inputLongSide: Int,
    minimumConfidence: Float, tile: String, maxPixels: Int, shard: String?, input: String? = nil,
    videoFramesPerSecond: Double? = nil
  ) {
    self.modelName = modelName
    self.modelVersion = modelVersion
    self.weightsDigest = weightsDigest
    self.inputLongSide = inputLongSide
    self.minimumConfidence = minimumConfidence
    self.tile = tile
    self.maxPixels = maxPixels
    self.shard = shard
    self.input = input
    self.videoFramesPerSecond = videoFramesPerSecond
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
    if videoFramesPerSecond != other.videoFramesPerSecond {
      return "its --video-fps was \(other.videoFramesPerSecond.map { "\($0)" } ?? "1")"
    }
    return nil
  }
}

/// Crash-safe progress of a scan, kept in `<output>/.lookout/`.
///
/// `run.json` holds the fingerprint (written atomically before any image); `checkpoint.jsonl`
/// gets one line per finished image through Formats' `JSONLinesWriter` (one `write(2)` per line,
/// a torn last line cut off on reopening), so a `kill -9` loses nothing that was appended. The
/// file is fsynced at most every `syncInterval` seconds, which bounds what a power cut can lose.
/// When a scan finishes the file is compacted to exactly the card's current images, in order.
public final class ScanCheckpoint {
  /// Where a finished image's line lies in `checkpoint.jsonl`, and the file state it was made
  /// from. The scan keeps only these in memory, not the outcomes themselves.
  public struct Entry: Sendable, Equatable {
    public var offset: Int64
    public var length: Int
    public var size: Int64
    public var modifiedNanoseconds: Int64
  }

  public let directory: String
  private var writer: JSONLinesWriter?
  /// The files this scan covers (set by ``start(fingerprint:files:)`` or
  /// ``resume(fingerprint:output:files:)``).
  public private(set) var files = CardFileList(root: [])
  /// Where a listed file's current outcome line lies in `checkpoint.jsonl` (16 bytes a file);
  /// `length` 0 when it has none.
  private struct StoredLine {
    var offset: Int64 = 0
    var length: UInt32 = 0
  }
  /// The current line of each of ``files``, by index: appended, or found on resume and made
  /// from the file as it is now (same size and time). Touched by one thread at a time (the
  /// caller, or the scan's writer while it runs). Lines of files that are not in ``files``,
  /// or that were made from an older version of the file, are not kept.
  private var stored: [StoredLine] = []
  private var lastSync = DispatchTime.now()
  private let syncInterval: Double = 2

  public var checkpointPath: String { directory + "/checkpoint.jsonl" }
  public var fingerprintPath: String { directory + "/run.json" }
  /// Where the end of a run builds what it will move into place (and its temporary files).
  var stagingDirectory: String { directory + "/staging" }
  /// The compacted checkpoint, until ``commitCompaction()`` moves it over ``checkpointPath``.
  var stagedCheckpointPath: String { stagingDirectory + "/checkpoint.jsonl" }

  public init(outputDirectory: String) {
    directory = outputDirectory + "/.lookout"
  }

  /// Whether a previous scan left a checkpoint here.
  public var exists: Bool { FileManager.default.fileExists(atPath: fingerprintPath) }

  /// Removes an earlier checkpoint and starts a new one with `fingerprint`, for `files`.
  public func start(fingerprint: ScanFingerprint, files: CardFileList) throws(ScanError) {
    try OutputFiles.makeDirectory(directory)
    do {
      try PathCall.removeFileIfPresent(checkpointPath)
    } catch {
      throw .outputFile(
        path: checkpointPath, cause: FileIOError(path: checkpointPath, step: .remove, errno: error))
    }
    try OutputFiles.writeAtomically(Self.encode(fingerprint), to: fingerprintPath)
    self.files = files
    stored = Array(repeating: StoredLine(), count: files.count)
    try openForAppend()
  }

  /// Indexes the finished images of an earlier run that are among `files`, after checking it
  /// scanned the same input (when its `run.json` records one) with the same settings, reading
  /// the file a piece at a time. Later lines win over earlier ones for the same file; lines
  /// that are not outcomes (a damaged sector) are skipped, so those images are scanned again.
  /// `output` names the folder in errors.
  public func resume(
    fingerprint: ScanFingerprint, output: String, files: CardFileList
  ) throws(ScanError) {
    let previous = try Self.readFingerprint(directory: directory)
    if let recorded = previous.input, let given = fingerprint.input, recorded != given {
      throw .resumeWithOtherInput(path: output, recorded: recorded, given: given)
    }
    if let difference = fingerprint.firstDifference(from: previous) {
      throw .checkpointMismatch(path: directory, reason: difference)
    }
    // The torn last line, if any, is cut off first, so every indexed line stays where it is.
    try openForAppend()
    self.files = files
    var found = [StoredLine](repeating: StoredLine(), count: files.count)
    try Self.forEachStoredLine(path: checkpointPath) { file, entry in
      guard let index = files.index(ofRelativePath: file) else { return }
      // The latest line decides: one made from an older version of the file is no outcome.
      let walked = files.state(at: index)
      let current =
        entry.size == walked.size && entry.modifiedNanoseconds == walked.modifiedNanoseconds
      found[index] =
        current ? StoredLine(offset: entry.offset, length: UInt32(entry.length)) : StoredLine()
    }
    stored = found
  }

  /// Calls `body` with each outcome line's file and place in the checkpoint at `path`, in file
  /// order, read a piece at a time. Lines that are not outcomes (a damaged sector) are skipped;
  /// a missing file has no lines.
  static func forEachStoredLine(
    path: String, chunkBytes: Int = 1 << 20, _ body: (String, Entry) -> Void
  ) throws(ScanError) {
    let decoder = JSONDecoder()
    do {
      try JSONLinesStreamReader.forEachLine(path: path, chunkBytes: chunkBytes) { offset, line in
        if let outcome = try? decoder.decode(ImageOutcome.self, from: Data(line)) {
          body(
            outcome.file,
            Entry(
              offset: offset, length: line.count, size: outcome.size,
              modifiedNanoseconds: outcome.modifiedNanoseconds))
        }
        return true
      }
    } catch where error.code == ENOENT {
      // No line was ever appended.
    } catch {
      throw .outputFile(path: path, cause: error)
    }
  }

  /// Whether the file at `index` in ``files`` has an outcome here made from the file as it is
  /// now (same size and time).
  public func hasCurrentOutcome(at index: Int) -> Bool {
    stored[index].length > 0
  }

  /// Appends the finished image at `index` in ``files``.
  public func append(_ outcome: ImageOutcome, at index: Int) throws(ScanError) {
    guard let writer else { preconditionFailure("checkpoint not started") }
    do {
      let line = Self.encode(outcome)
      let offset = try writer.append(String(decoding: line, as: UTF8.self))
      stored[index] = StoredLine(offset: offset, length: UInt32(line.count))
      let now = DispatchTime.now()
      if Double(now.uptimeNanoseconds - lastSync.uptimeNanoseconds) / 1e9 >= syncInterval {
        try writer.sync()
        lastSync = now
      }
    } catch {
      throw .outputFile(path: checkpointPath, cause: error)
    }
  }

  /// Flushes and closes the checkpoint file.
  public func close() {
    try? writer?.close()
    writer = nil
  }

  /// Rewrites the checkpoint as exactly ``files``' outcomes in that order, streaming: each
  /// image's stored line is read back, handed to `body` decoded, and copied to
  /// `.lookout/staging/checkpoint.jsonl`; ``commitCompaction()`` then renames it into place.
  /// A file without a stored outcome gets an empty one (reported as not processed).
  public func compact(_ body: (ImageOutcome) throws(ScanError) -> Void) throws(ScanError) {
    close()
    // Made one at a time as the compaction reaches each file: no second card-sized list.
    let files = self.files
    let stored = self.stored
    let items = files.indices.lazy.map { index in
      let walked = files.state(at: index)
      let line = stored[index]
      return CompactionItem(
        file: files.relativePath(at: index), size: walked.size,
        modifiedNanoseconds: walked.modifiedNanoseconds, source: 0,
        entry: line.length == 0
          ? nil
          : Entry(
            offset: line.offset, length: Int(line.length), size: walked.size,
            modifiedNanoseconds: walked.modifiedNanoseconds))
    }
    try Self.writeCompacted(
      items, sources: [checkpointPath], to: stagedCheckpointPath, body)
  }

  /// One image of a compacted checkpoint: its stored line (in checkpoint `sources[source]`, at
  /// `entry`), or, when it has none, an empty outcome for the file as walked.
  struct CompactionItem {
    var file: String
    var size: Int64
    var modifiedNanoseconds: Int64
    var source: Int
    var entry: Entry?
  }

  /// Writes `items`' lines, in order, to a new checkpoint file at `target` (created with its
  /// folder), reading each from its source checkpoint and handing it to `body` decoded. Only one
  /// line is in memory at a time.
  static func writeCompacted(
    _ items: some Sequence<CompactionItem>, sources: [String], to target: String,
    _ body: (ImageOutcome) throws(ScanError) -> Void
  ) throws(ScanError) {
    try OutputFiles.makeDirectory(URL(fileURLWithPath: target).deletingLastPathComponent().path)
    var readers: [FileDescriptor?] = []
    defer { for reader in readers { reader?.closeIgnoringFailure() } }
    for path in sources {
      do {
        readers.append(try FileDescriptor.opening(path, .readOnly))
      } catch where error == .noSuchFileOrDirectory {
        readers.append(nil)
      } catch {
        throw .outputFile(path: path, cause: FileIOError(path: path, step: .open, errno: error))
      }
    }
    /// A file step's failure, named as the checkpoint being written.
    func step<Value>(_ call: () throws(FileIOError) -> Value) throws(ScanError) -> Value {
      do {
        return try call()
      } catch {
        throw .outputFile(path: target, cause: error)
      }
    }
    let decoder = JSONDecoder()
    let out = try step { () throws(FileIOError) in try StreamingFileWriter(path: target) }
    for item in items {
      var outcome: ImageOutcome?
      var line: [UInt8] = []
      if let entry = item.entry, let reader = readers[item.source] {
        line = try step { () throws(FileIOError) in
          try JSONLinesStreamReader.readLine(
            fd: reader, path: sources[item.source], offset: entry.offset, count: entry.length)
        }
        outcome = try? decoder.decode(ImageOutcome.self, from: Data(line))
      }
      if outcome == nil {
        outcome = ImageOutcome(
          file: item.file, size: item.size, modifiedNanoseconds: item.modifiedNanoseconds)
        line = encode(outcome!)
      }
      line.append(UInt8(ascii: "\n"))
      try step { () throws(FileIOError) in try out.write(line) }
      try body(outcome!)
    }
    try step { () throws(FileIOError) in try out.finish() }
  }

  /// Moves the checkpoint written by ``compact(_:)`` over the old one.
  public func commitCompaction() throws(ScanError) {
    try OutputFiles.moveIntoPlace(stagedCheckpointPath, at: checkpointPath)
  }

  deinit { close() }

  /// The fingerprint stored in a `.lookout` folder.
  public static func readFingerprint(directory: String) throws(ScanError) -> ScanFingerprint {
    let path = directory + "/run.json"
    guard let data = FileManager.default.contents(atPath: path),
      let stored = fingerprint(inJSON: [UInt8](data))
    else {
      throw .checkpointMismatch(path: path, reason: "its settings file is missing or unreadable")
    }
    return stored
  }

  /// The outcomes of the complete lines of checkpoint bytes; lines that are not outcomes (a
  /// damaged sector in the output folder) are skipped, so those images are scanned again.
  /// Lines are split and decoded exactly as ``CheckpointIndex/read(path:chunkBytes:)`` does
  /// (raw bytes, a CR before the newline dropped, empty lines and a torn tail skipped).
  public static func outcomes(inJSONLines bytes: [UInt8]) -> [ImageOutcome] {
    let decoder = JSONDecoder()
    var out: [ImageOutcome] = []
    JSONLinesReader.forEachCompleteLine(in: bytes[...]) { _, line in
      if let outcome = try? decoder.decode(ImageOutcome.self, from: Data(line)) {
        out.append(outcome)
      }
      return true
    }
    return out
  }

  /// The fingerprint in `run.json` bytes, if they hold one.
  public static func fingerprint(inJSON bytes: [UInt8]) -> ScanFingerprint? {
    try? JSONDecoder().decode(ScanFingerprint.self, from: Data(bytes))
  }

  private func openForAppend() throws(ScanError) {
    do {
      writer = try JSONLinesWriter(path: checkpointPath)
    } catch {
      throw .outputFile(path: checkpointPath, cause: error)
    }
  }

  /// Sorted-key JSON: the same value always gives the same bytes.
  static func encode<Value: Encodable>(_ value: Value) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    // Encoding these plain structs cannot fail.
    return Array(try! encoder.encode(value))
  }
}
