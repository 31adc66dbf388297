import CImageShims

/// A message buffer for the C shims and the mapping from their status codes to errors.
struct ShimMessage {
  var buffer = [CChar](repeating: 0, count: Int(LOOKOUT_MESSAGE_CAPACITY))

  var text: String {
    buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
  }

  /// Runs a shim call with a pointer to the buffer and its capacity.
  mutating func call(
    _ body: (UnsafeMutablePointer<CChar>, Int) -> lookout_status
  ) -> lookout_status {
    buffer.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
  }

  /// The error for a failed shim call on `path`. A usage status is a bug in this module.
  func error(for status: lookout_status, path: String) -> ImageDecodeError {
    let reason = text.isEmpty ? "unknown error" : text
    switch status {
    case LOOKOUT_STATUS_TRUNCATED: return .truncated(path: path, reason: reason)
    case LOOKOUT_STATUS_UNSUPPORTED: return .unsupported(path: path, reason: reason)
    case LOOKOUT_STATUS_NO_MEMORY:
      return .unsupported(path: path, reason: "not enough memory: \(reason)")
    case LOOKOUT_STATUS_USAGE: preconditionFailure("ImageIO misused a C shim: \(reason)")
    default: return .corrupt(path: path, reason: reason)
    }
  }
}
