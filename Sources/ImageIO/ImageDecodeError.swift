#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why an image could not be decoded. Every case names the file it is about.
public enum ImageDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The path does not lead to a regular file this process may read (missing, permissions, a
  /// link loop, a directory, a FIFO); `reason` is the system's error text.
  case unreadable(path: String, reason: String)
  /// The file was there, but the system failed to give its bytes with `errno` `code`: EIO from
  /// a failing card or disk, ESTALE from a network share, ... (see ``system(path:code:)``).
  case readFailed(path: String, code: Int32)
  /// The file has zero bytes.
  case empty(path: String)
  /// The bytes are neither JPEG nor PNG, whatever the file's extension.
  case notAnImage(path: String)
  /// libjpeg or libpng reported an error or a corrupt-data warning (bad Huffman code, CRC
  /// error, ...). Bad EXIF is never this: unreadable metadata is just missing.
  case corrupt(path: String, reason: String)
  /// The data ends before the image does.
  case truncated(path: String, reason: String)
  /// The header claims more pixels than `limit`; reported before any pixel memory is allocated.
  case tooLarge(path: String, width: Int, height: Int, limit: Int)
  /// The file has more bytes than `limit`, so it is not read at all.
  case fileTooLarge(path: String, bytes: Int64, limit: Int64)
  /// A well-formed image this decoder cannot handle (12-bit or lossless JPEG, ...).
  case unsupported(path: String, reason: String)

  /// The error for an `open`, `fstat` or `read` that failed with `errno` `code`: ``unreadable``
  /// when the path does not lead to a file this process may read (ENOENT, ENOTDIR, ELOOP,
  /// ENAMETOOLONG, EACCES, EPERM), ``readFailed`` for any other code, when the storage failed.
  public static func system(path: String, code: Int32) -> ImageDecodeError {
    switch code {
    case ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EACCES, EPERM:
      return .unreadable(path: path, reason: String(cString: strerror(code)))
    default:
      return .readFailed(path: path, code: code)
    }
  }

  /// The path the error is about.
  public var path: String {
    switch self {
    case .unreadable(let path, _), .readFailed(let path, _), .empty(let path),
      .notAnImage(let path), .corrupt(let path, _), .truncated(let path, _),
      .tooLarge(let path, _, _, _), .fileTooLarge(let path, _, _), .unsupported(let path, _):
      path
    }
  }

  /// "<path>: <reason>", for people.
  public var description: String {
    switch self {
    case .unreadable(let path, let reason): "\(path): cannot read file: \(reason)"
    case .readFailed(let path, let code):
      "\(path): read error: \(String(cString: strerror(code))) (\(Self.errnoName(code)))"
    case .empty(let path): "\(path): file is empty (0 bytes)"
    case .notAnImage(let path): "\(path): not a JPEG or PNG image"
    case .corrupt(let path, let reason): "\(path): corrupt image: \(reason)"
    case .truncated(let path, let reason): "\(path): truncated image: \(reason)"
    case .tooLarge(let path, let width, let height, let limit):
      "\(path): image is \(width)x\(height) (\(width * height) pixels), over the limit of "
        + "\(limit) pixels"
    case .fileTooLarge(let path, let bytes, let limit):
      "\(path): file is \(bytes) bytes (\(Self.mebibytes(bytes))), over the limit of \(limit) "
        + "bytes (\(Self.mebibytes(limit)))"
    case .unsupported(let path, let reason): "\(path): unsupported image: \(reason)"
    }
  }

  /// A short stable machine code: "unreadable", "read_error", "empty", "not_an_image",
  /// "corrupt", "truncated", "too_large" (too many pixels, or too many bytes) or "unsupported".
  public var reasonCode: String {
    switch self {
    case .unreadable: "unreadable"
    case .readFailed: "read_error"
    case .empty: "empty"
    case .notAnImage: "not_an_image"
    case .corrupt: "corrupt"
    case .truncated: "truncated"
    case .tooLarge, .fileTooLarge: "too_large"
    case .unsupported: "unsupported"
    }
  }

  /// `"572.2 MiB"`.
  private static func mebibytes(_ bytes: Int64) -> String {
    let tenths = bytes * 10 / (1 << 20)
    return "\(tenths / 10).\(tenths % 10) MiB"
  }

  /// `"EIO"` for the codes a failed read gives, else `"errno 5"`.
  private static func errnoName(_ code: Int32) -> String {
    let names: [Int32: String] = [
      EIO: "EIO", ENXIO: "ENXIO", ENODEV: "ENODEV", ESTALE: "ESTALE", ETIMEDOUT: "ETIMEDOUT",
      EISDIR: "EISDIR", EINVAL: "EINVAL", ENOMEM: "ENOMEM", EOVERFLOW: "EOVERFLOW",
      EBADF: "EBADF", EAGAIN: "EAGAIN", EFAULT: "EFAULT",
    ]
    return names[code] ?? "errno \(code)"
  }
}
