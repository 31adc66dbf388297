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

  /// - Parameter followingLinks: false for a path already resolved, so that a link put in its
  ///   place since is not followed (`O_NOFOLLOW`).
  static func of(path: [UInt8], followingLinks: Bool = true) throws(Failure)
    -> (hex: String, bytes: Int64)
  {
    var terminated = path.map { CChar(bitPattern: $0) }
    terminated.append(0)
    let flags = O_RDONLY | O_CLOEXEC | (followingLinks ? 0 : O_NOFOLLOW)
    let fd = terminated.withUnsafeBufferPointer { open($0.baseAddress!, flags) }
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
