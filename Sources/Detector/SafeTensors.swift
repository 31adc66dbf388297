import LookoutSystem
import Foundation

/// A parsed safetensors file (https://github.com/huggingface/safetensors format): an 8-byte little
/// endian header length, a JSON header `{name: {dtype, shape, data_offsets: [begin, end]}, ...,
/// "__metadata__": {string: string}}`, then the data section the offsets index into.
///
/// Only F32 tensors are accepted. Loading validates everything up front, so `tensor(named:)` on a
/// successfully parsed file cannot fail other than by the name being absent.
public struct SafeTensorsFile: Sendable {
  public struct Entry: Sendable, Equatable {
    public var dtype: String
    public var shape: [Int]
    /// Byte range within the data section.
    public var byteRange: Range<Int>
    public var elementCount: Int { shape.reduce(1, *) }
  }

  /// The path it was read from, as used in error messages.
  public let file: String
  public let metadata: [String: String]
  public let entries: [String: Entry]
  private let bytes: Data
  private let dataStart: Int

  /// Reads and validates the file; throws `ModelLoadError`.
  public init(url: URL) throws(ModelLoadError) {
    let file = url.path
    let bytes = try readModelFile(url)
    try self.init(bytes: bytes, file: file)
  }

  /// Parses an in-memory file; `file` is only used to name it in errors.
  public init(bytes: Data, file: String) throws(ModelLoadError) {
    self.file = file
    let bytes = Data(bytes)  // rebased so indices start at 0
    guard bytes.count >= 8 else {
      throw ModelLoadError.truncated(
        file: file, reason: "\(bytes.count) bytes, fewer than the 8-byte header length")
    }
    var headerLength: UInt64 = 0
    for i in 0..<8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
    guard headerLength <= UInt64(bytes.count - 8) else {
      throw ModelLoadError.headerLengthBeyondFile(
        file: file, headerLength: headerLength, fileSize: bytes.count)
    }
    let headerEnd = 8 + Int(headerLength)
    let header: Header
    do {
      header = try JSONDecoder().decode(Header.self, from: bytes.subdata(in: 8..<headerEnd))
    } catch {
      throw ModelLoadError.invalidJSON(file: file, reason: describe(error))
    }
    let dataLength = bytes.count - headerEnd
    var entries: [String: Entry] = [:]
    for name in header.entries.keys.sorted() {
      let raw = header.entries[name]!
      guard raw.dtype == "F32" else {
        throw ModelLoadError.unsupportedDType(file: file, tensor: name, dtype: raw.dtype)
      }
      guard raw.shape.allSatisfy({ $0 >= 0 }) else {
        throw ModelLoadError.invalidJSON(
          file: file, reason: "tensor '\(name)' has a negative dimension")
      }
      let offsets = raw.dataOffsets
      guard offsets.count == 2 else {
        throw ModelLoadError.dataOffsetsOutOfRange(
          file: file, tensor: name, reason: "\(offsets.count) offsets instead of 2")
      }
      let (begin, end) = (offsets[0], offsets[1])
      guard begin >= 0, begin <= end else {
        throw ModelLoadError.dataOffsetsOutOfRange(
          file: file, tensor: name, reason: "begin \(begin) and end \(end)")
      }
      let count = raw.shape.reduce(1, *)
      guard end - begin == count * 4 else {
        throw ModelLoadError.dataOffsetsOutOfRange(
          file: file, tensor: name,
          reason: "\(end - begin) bytes for shape \(raw.shape) (\(count * 4) bytes of F32)")
      }
      guard end <= dataLength else {
        throw ModelLoadError.truncated(
          file: file,
          reason: "tensor '\(name)' ends at data byte \(end), the data section has \(dataLength)")
      }
      entries[name] = Entry(dtype: raw.dtype, shape: raw.shape, byteRange: begin..<end)
    }
    self.metadata = header.metadata
    self.entries = entries
    self.bytes = bytes
    self.dataStart = headerEnd
  }

  /// The tensor's values in stored (row-major) order, or nil when there is no such tensor.
  public func floats(named name: String) -> [Float]? {
    guard let entry = entries[name] else { return nil }
    var result = [Float](repeating: 0, count: entry.elementCount)
    result.withUnsafeMutableBytes { dst in
      bytes.withUnsafeBytes { src in
        let start = dataStart + entry.byteRange.lowerBound
        dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start..<start + dst.count]))
      }
    }
    // Stored little endian; convert on a big-endian host.
    if UInt32(littleEndian: 1) != 1 {
      for i in result.indices {
        result[i] = Float(bitPattern: UInt32(littleEndian: result[i].bitPattern))
      }
    }
    return result
  }

  /// A tensor stored as `[H, W, C]` (as in the parity fixtures), or nil when absent or not 3-D.
  public func tensor(named name: String) -> Tensor? {
    guard let entry = entries[name], entry.shape.count == 3, let values = floats(named: name) else {
      return nil
    }
    return Tensor(
      height: entry.shape[0], width: entry.shape[1], channels: entry.shape[2], data: values)
  }

  private struct RawEntry: Decodable {
    var dtype: String
    var shape: [Int]
    var dataOffsets: [Int]
    enum CodingKeys: String, CodingKey {
      case dtype, shape
      case dataOffsets = "data_offsets"
    }
  }

  private struct Header: Decodable {
    var metadata: [String: String] = [:]
    var entries: [String: RawEntry] = [:]

    struct Key: CodingKey {
      var stringValue: String
      var intValue: Int? { nil }
      init(stringValue: String) { self.stringValue = stringValue }
      init?(intValue: Int) { nil }
    }

    init(from decoder: Decoder) throws {
      let container = try decoder.container(keyedBy: Key.self)
      for key in container.allKeys {
        if key.stringValue == "__metadata__" {
          metadata = try container.decode([String: String].self, forKey: key)
        } else {
          entries[key.stringValue] = try container.decode(RawEntry.self, forKey: key)
        }
      }
    }
  }
}

/// Reads a whole model file (graph JSON or weights), mapping failures to `ModelLoadError` (a
/// failed read names its `errno` in words, as ``LookoutSystem/SystemErrorText`` says it).
public func readModelFile(_ url: URL) throws(ModelLoadError) -> Data {
  let path = url.path
  var isDirectory: ObjCBool = false
  guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
    throw ModelLoadError.fileNotFound(file: path)
  }
  if isDirectory.boolValue { throw ModelLoadError.unreadable(file: path, reason: "is a directory") }
  do {
    return try Data(contentsOf: url)
  } catch {
    // The errno in words ("permission denied (EACCES)"), not Foundation's sentence without it.
    throw ModelLoadError.unreadable(file: path, reason: SystemErrorText.describe(error))
  }
}

/// A short, readable account of a JSON decoding failure.
func describe(_ error: Error) -> String {
  switch error {
  case DecodingError.dataCorrupted(let context):
    return context.debugDescription + path(context.codingPath)
  case DecodingError.keyNotFound(let key, let context):
    return "missing key '\(key.stringValue)'" + path(context.codingPath)
  case DecodingError.typeMismatch(let type, let context):
    return "expected \(type)" + path(context.codingPath)
  case DecodingError.valueNotFound(let type, let context):
    return "missing \(type) value" + path(context.codingPath)
  default:
    return String(describing: error)
  }
}

private func path(_ codingPath: [CodingKey]) -> String {
  codingPath.isEmpty
    ? ""
    : " at "
      + codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
}
