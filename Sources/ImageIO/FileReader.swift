#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a whole regular file with POSIX calls, reporting failures as
/// ``ImageDecodeError/system(path:code:)`` classifies them (`.unreadable` with the system's error
/// text when the file cannot be reached, `.readFailed` when the storage fails), and `.empty`
/// for a zero-byte file.
enum FileReader {
  static func contents(ofFileAt path: String) throws(ImageDecodeError) -> [UInt8] {
    // O_NONBLOCK so that a FIFO or device cannot block the open; it has no effect on the
    // reads of a regular file, the only kind read below.
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else { throw .system(path: path, code: errno) }
    defer { _ = close(descriptor) }

    var info = stat()
    guard fstat(descriptor, &info) == 0 else { throw .system(path: path, code: errno) }
    switch info.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFDIR: throw .unreadable(path: path, reason: "is a directory")
    default: throw .unreadable(path: path, reason: "not a regular file")
    }

    var bytes = [UInt8]()
    bytes.reserveCapacity(Int(info.st_size))
    // Read in chunks until end of file: the size from fstat is only a hint. One byte more
    // than the expected size lets a small file be read in one call.
    let chunkSize = 1 << 20
    var chunk = [UInt8](repeating: 0, count: min(chunkSize, max(Int(info.st_size) + 1, 4096)))
    while true {
      let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw .system(path: path, code: errno)
      }
      if count == 0 { break }
      bytes.append(contentsOf: chunk[0..<count])
      if count == chunk.count, chunk.count < chunkSize {
        chunk = [UInt8](repeating: 0, count: chunkSize)
      }
    }
    guard !bytes.isEmpty else { throw .empty(path: path) }
    return bytes
  }
}
