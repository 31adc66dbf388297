/// Why a model (graph JSON + safetensors weights) could not be loaded. Every case names the file
/// it is about (the path as given) and says what is wrong; `description` is a one-line message.
public enum ModelLoadError: Error, Sendable, Equatable, CustomStringConvertible {
  /// No file at the path.
  case fileNotFound(file: String)
  /// The file exists but could not be read (permissions, a directory, an I/O error).
  case unreadable(file: String, reason: String)
  /// The file ends before the bytes it promises: shorter than the 8-byte header length, or the
  /// data section is shorter than the tensors its header lists.
  case truncated(file: String, reason: String)
  /// The safetensors header length (first 8 bytes, little endian) points past the end of the file.
  case headerLengthBeyondFile(file: String, headerLength: UInt64, fileSize: Int)
  /// The safetensors header or the graph is not valid JSON of the expected structure.
  case invalidJSON(file: String, reason: String)
  /// A tensor is stored in a dtype other than F32.
  case unsupportedDType(file: String, tensor: String, dtype: String)
  /// A tensor's `data_offsets` do not describe its bytes (not two offsets, begin > end, or a
  /// length other than its element count x 4).
  case dataOffsetsOutOfRange(file: String, tensor: String, reason: String)
  /// The graph names a tensor the weights file does not have.
  case missingTensor(file: String, tensor: String, node: String)
  /// A tensor's shape differs from the one the node's parameters imply.
  case shapeMismatch(file: String, tensor: String, expected: [Int], actual: [Int])
  /// A node's `op` is not one the engine implements.
  case unknownOp(file: String, node: String, op: String)
  /// A node lists an input that is neither the graph input nor an earlier node.
  case undefinedInput(file: String, node: String, input: String)
  /// A node's parameters are missing or inconsistent (channels, groups, activation, inputs).
  case invalidNode(file: String, node: String, reason: String)
  /// Something about the graph as a whole is wrong (format, input, output, head).
  case invalidGraph(file: String, reason: String)

  /// The file the error is about.
  public var file: String {
    switch self {
    case .fileNotFound(let f), .unreadable(let f, _), .truncated(let f, _),
      .headerLengthBeyondFile(let f, _, _), .invalidJSON(let f, _), .unsupportedDType(let f, _, _),
      .dataOffsetsOutOfRange(let f, _, _), .missingTensor(let f, _, _),
      .shapeMismatch(let f, _, _, _), .unknownOp(let f, _, _), .undefinedInput(let f, _, _),
      .invalidNode(let f, _, _), .invalidGraph(let f, _):
      return f
    }
  }

  public var description: String {
    switch self {
    case .fileNotFound(let f): return "\(f): no such file"
    case .unreadable(let f, let r): return "\(f): cannot read: \(r)"
    case .truncated(let f, let r): return "\(f): truncated: \(r)"
    case .headerLengthBeyondFile(let f, let n, let size):
      return "\(f): header length \(n) goes past the end of the file (\(size) bytes)"
    case .invalidJSON(let f, let r): return "\(f): invalid JSON: \(r)"
    case .unsupportedDType(let f, let t, let d):
      return "\(f): tensor '\(t)' has dtype \(d); only F32 is supported"
    case .dataOffsetsOutOfRange(let f, let t, let r):
      return "\(f): tensor '\(t)' data offsets out of range: \(r)"
    case .missingTensor(let f, let t, let n):
      return "\(f): no tensor '\(t)' (needed by node '\(n)')"
    case .shapeMismatch(let f, let t, let e, let a):
      return "\(f): tensor '\(t)' has shape \(a), expected \(e)"
    case .unknownOp(let f, let n, let op): return "\(f): node '\(n)' has unknown op '\(op)'"
    case .undefinedInput(let f, let n, let i):
      return "\(f): node '\(n)' reads '\(i)', which is not defined before it"
    case .invalidNode(let f, let n, let r): return "\(f): node '\(n)': \(r)"
    case .invalidGraph(let f, let r): return "\(f): \(r)"
    }
  }
}
