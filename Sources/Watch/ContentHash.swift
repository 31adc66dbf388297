import Formats

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The SHA-256 of a file's content, read in chunks, with the number of bytes read (which the
/// caller compares with the size it observed: a file that grew or shrank is still changing).
enum ContentHash {
  struct Failure: Error {
    var reason: String
  }

  static func of(path: [UInt8]) throws(Failure) -> (hex: String, bytes: Int64) {
    var terminated = path.map { CChar(bitPattern: $0) }
    terminated.append(0)
    // The caller passes a resolved path: a link appearing in its place now is not followed.
    let fd = terminated.withUnsafeBufferPointer {
      open($0.baseAddress!, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
    }
    guard fd >= 0 else { throw Failure(reason: String(cString: strerror(errno))) }
    defer { _ = close(fd) }
    var hasher = SHA256()
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    var total: Int64 = 0
    while true {
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw Failure(reason: String(cString: strerror(errno)))
      }
      if n == 0 { break }
      hasher.update(chunk[0..<n])
      total += Int64(n)
    }
    return (SHA256.hex(hasher.finalize()), total)
  }
}
