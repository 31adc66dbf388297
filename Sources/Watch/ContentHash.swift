import Crypto
import LookoutSystem
import SystemPackage

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
    func failure(_ error: Errno) -> Failure {
      Failure(reason: SystemErrorText.systemMessage(error.rawValue))
    }
    let fd: FileDescriptor
    do {
      fd = try FileDescriptor.opening(
        bytes: path, .readOnly, options: followingLinks ? [] : .noFollow)
    } catch {
      throw failure(error)
    }
    defer { fd.closeIgnoringFailure() }
    var hasher = SHA256()
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    var total: Int64 = 0
    while true {
      let n: Int
      do {
        n = try fd.readSome(into: &chunk)
      } catch {
        throw failure(error)
      }
      if n == 0 { break }
      hasher.update(chunk[0..<n])
      total += Int64(n)
    }
    return (hasher.finalize().hex, total)
  }
}
