import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads files: a whole file at once, a regular file only (an image: never a FIFO that would block
/// or a device), or a large file in chunks.
///
/// ```swift
/// let bytes = try FileReader.read("out/detections.json")       // throws FileIOError
/// let image = try FileReader.readRegularFile("card/a.jpg")     // throws RegularFileError
/// ```
public enum FileReader {
  /// The whole file at `path`. Throws ``FileIOError`` with step `.open` or `.read`.
  public static func read(_ path: String) throws(FileIOError) -> [UInt8] {
    let fd = try openForReading(path)
    defer { fd.closeIgnoringFailure() }
    do {
      return try readToEnd(fd, sizeHint: 0)
    } catch {
      throw FileIOError(path: path, step: .read, errno: error)
    }
  }

  /// Why ``readRegularFile(_:)`` could not read a file.
  public enum RegularFileError: Error, Sendable, Equatable {
    /// A system call failed with this `errno`.
    case system(Errno)
    /// The path is a directory.
    case isDirectory
    /// The path is a FIFO, a device or a socket.
    case notRegularFile
  }

  /// The whole of the regular file at `path`, read in chunks until its end (its size from
  /// `fstat` is only a hint). The file is opened with `O_NONBLOCK` so that a FIFO or a device
  /// cannot block the open; it has no effect on the reads of a regular file, the only kind read.
  public static func readRegularFile(_ path: String) throws(RegularFileError) -> [UInt8] {
    let fd: FileDescriptor
    do {
      fd = try FileDescriptor.opening(path, .readOnly, options: .nonBlocking)
    } catch {
      throw .system(error)
    }
    defer { fd.closeIgnoringFailure() }
    do {
      let info = try fd.status()
      switch info.st_mode & S_IFMT {
      case S_IFREG: break
      case S_IFDIR: throw RegularFileError.isDirectory
      default: throw RegularFileError.notRegularFile
      }
      return try readToEnd(fd, sizeHint: Int(info.st_size))
    } catch let error as RegularFileError {
      throw error
    } catch let error as Errno {
      throw .system(error)
    } catch {
      preconditionFailure("unexpected error \(error)")
    }
  }

  /// Calls `body` with each chunk of at most `chunkBytes` bytes of the file at `path`, in order,
  /// until the end of the file or until `body` returns `false`. Throws ``FileIOError`` with step
  /// `.open` or `.read`.
  public static func forEachChunk(
    path: String, chunkBytes: Int, _ body: (ArraySlice<UInt8>) -> Bool
  ) throws(FileIOError) {
    let fd = try openForReading(path)
    defer { fd.closeIgnoringFailure() }
    var chunk = [UInt8](repeating: 0, count: max(1, chunkBytes))
    while true {
      let count: Int
      do {
        count = try fd.readSome(into: &chunk)
      } catch {
        throw FileIOError(path: path, step: .read, errno: error)
      }
      if count == 0 || !body(chunk[0..<count]) { return }
    }
  }

  /// Exactly `count` bytes at `offset` of the open file `fd` (`pread`), without moving its
  /// position. A file that ends sooner fails with `EIO`.
  public static func read(
    _ fd: FileDescriptor, at offset: Int64, count: Int
  ) throws(Errno) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: count)
    var done = 0
    while done < count {
      let n = try fd.readSome(at: offset + Int64(done), into: &out, from: done)
      if n == 0 { throw Errno.ioError }
      done += n
    }
    return out
  }

  /// `path` opened read-only; a failure is a ``FileIOError`` with step `.open`.
  private static func openForReading(_ path: String) throws(FileIOError) -> FileDescriptor {
    do {
      return try FileDescriptor.opening(path, .readOnly)
    } catch {
      throw FileIOError(path: path, step: .open, errno: error)
    }
  }

  /// Reads from the current position to the end of the file. One byte more than `sizeHint` lets
  /// a small file be read in one call; larger files are read 1 MiB at a time.
  static func readToEnd(_ fd: FileDescriptor, sizeHint: Int) throws(Errno) -> [UInt8] {
    var bytes = [UInt8]()
    bytes.reserveCapacity(sizeHint)
    let chunkSize = 1 << 20
    var chunk = [UInt8](repeating: 0, count: min(chunkSize, max(sizeHint + 1, 1 << 16)))
    while true {
      let count = try fd.readSome(into: &chunk)
      if count == 0 { return bytes }
      bytes.append(contentsOf: chunk[0..<count])
      if count == chunk.count, chunk.count < chunkSize {
        chunk = [UInt8](repeating: 0, count: chunkSize)
      }
    }
  }
}
