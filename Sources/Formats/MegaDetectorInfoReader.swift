import LookoutSystem

extension MegaDetectorOutput {
  /// Why a results file's `info` could not be read.
  public enum InfoReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or read.
    case file(FileIOError)
    /// Its `info` member is not valid JSON, not an object, or larger than
    /// ``MegaDetectorOutput/infoByteLimit``; `path` is the file's.
    case info(path: String, MegaDetectorDecodeError)

    public var description: String {
      switch self {
      case .file(let error): error.description
      case .info(let path, let error): "\(path): \(error)"
      }
    }
  }

  /// The most bytes the `info` member may take; results files hold a few kilobytes there.
  public static let infoByteLimit = 16 << 20

  /// The `info` member of the results file at `path`, read without the rest of the document:
  /// the file is streamed in chunks and only the bytes of `info` are kept, so a detections.json
  /// of a 100,000-image card costs its `info` in memory, not its images. Lookout writes `info`
  /// first, so the read stops after a few kilobytes; a file that puts it after `images` is read
  /// to that point, still in constant memory. A document without `info` gives an empty
  /// ``RunInfo``. The images are not checked.
  public static func readInfo(path: String) throws(InfoReadError) -> (
    formatVersion: String?, info: RunInfo
  ) {
    var scanner = TopLevelMemberScanner(member: "info", limit: infoByteLimit)
    do {
      try FileReader.forEachChunk(path: path, chunkBytes: 64 << 10) { chunk in
        scanner.feed(chunk)
      }
    } catch {
      throw .file(error)
    }
    if scanner.overLimit {
      throw .info(
        path: path,
        MegaDetectorDecodeError(path: "info", message: "larger than \(infoByteLimit) bytes"))
    }
    guard let bytes = scanner.value else {
      return (nil, RunInfo())
    }
    let value: JSONValue
    do {
      value = try JSONParser.parse(bytes)
    } catch {
      throw .info(path: path, MegaDetectorDecodeError(path: "info", message: error.description))
    }
    do {
      return try decodeInfo(value)
    } catch {
      throw .info(path: path, error)
    }
  }
}

/// Finds the value of one member of a JSON document's top-level object, a chunk at a time,
/// keeping only that value's bytes. It tracks nesting and strings (with their escapes) and
/// nothing else, so it does not check the rest of the document.
struct TopLevelMemberScanner {
  private let member: [UInt8]
  private let limit: Int
  private var depth = 0
  private var inString = false
  private var escaped = false
  private var expectingKey = false
  private var readingKey = false
  private var key: [UInt8] = []
  private var capturing = false
  private var captured: [UInt8] = []
  /// The member's value, once it has been read whole.
  private(set) var value: [UInt8]?
  /// Whether the value outgrew the limit (the scan stops).
  private(set) var overLimit = false

  init(member: String, limit: Int) {
    self.member = Array(member.utf8)
    self.limit = limit
  }

  /// Scans the next bytes; false once the value is read (or the document or limit ends it).
  mutating func feed(_ bytes: ArraySlice<UInt8>) -> Bool {
    for byte in bytes {
      if !step(byte) { return false }
    }
    return true
  }

  private mutating func step(_ byte: UInt8) -> Bool {
    if inString {
      if capturing { captured.append(byte) }
      if escaped {
        escaped = false
        if readingKey { key.append(byte) }
      } else if byte == UInt8(ascii: "\\") {
        escaped = true
        if readingKey { key.append(byte) }
      } else if byte == UInt8(ascii: "\"") {
        inString = false
        readingKey = false
      } else if readingKey {
        key.append(byte)
      }
      return checkLimit()
    }
    switch byte {
    case UInt8(ascii: "\""):
      inString = true
      if depth == 1, expectingKey {
        readingKey = true
        expectingKey = false
        key = []
      }
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      depth += 1
      if depth == 1 { expectingKey = true }
    case UInt8(ascii: "}"), UInt8(ascii: "]"):
      depth -= 1
      if depth == 0 {
        if capturing { value = captured }
        return false
      }
    case UInt8(ascii: ",") where depth == 1:
      if capturing {
        value = captured
        return false
      }
      expectingKey = true
      return true
    case UInt8(ascii: ":") where depth == 1 && key == member && !capturing:
      capturing = true
      return true
    default:
      break
    }
    if capturing { captured.append(byte) }
    return checkLimit()
  }

  private mutating func checkLimit() -> Bool {
    guard captured.count > limit else { return true }
    overLimit = true
    return false
  }
}
