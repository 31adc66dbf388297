import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// `rename(2)` under a name that `PathCall.rename` does not shadow.
private func renameFile(_ source: UnsafePointer<CChar>, _ target: UnsafePointer<CChar>) -> Int32 {
  rename(source, target)
}

/// `truncate(2)` under a name that `PathCall.truncate` does not shadow.
private func truncateFile(_ path: UnsafePointer<CChar>, _ size: off_t) -> Int32 {
  truncate(path, size)
}

/// The calls on paths that swift-system does not wrap (`rename`, `unlink`, `mkdir`, `stat`,
/// `truncate`, `realpath`, `opendir`/`readdir`), with failures as `Errno`, so that no module
/// outside this one calls libc for them. `flock` is on `FileDescriptor` below.
///
/// Each takes a path as a `String` or as raw bytes (`[UInt8]`, for a file name that is not valid
/// UTF-8, as a card can hold).
public enum PathCall {
  /// Renames `source` to `target` (`rename(2)`): atomic on one file system, and it needs no
  /// space, so it cannot fail for a full disk.
  public static func rename(_ source: String, to target: String) throws(Errno) {
    _ = try SystemCall.result { renameFile(source, target) }.get()
  }

  /// ``rename(_:to:)`` for a source given as raw bytes.
  public static func rename(bytes source: [UInt8], to target: String) throws(Errno) {
    _ = try withTerminated(source) { source in
      SystemCall.result { renameFile(source, target) }
    }.get()
  }

  /// Creates the folder `path` and its missing parents, as `mkdir -p` does (`mkdir(2)`, mode
  /// 0777 less the umask). A folder already there is no error; anything else there is
  /// (`EEXIST`, or `ENOTDIR` for a parent that is a file).
  public static func makeDirectories(_ path: String) throws(Errno) {
    var path = path
    while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
    switch SystemCall.result({ mkdir(path, 0o777) }) {
    case .success: return
    case .failure(.fileExists):
      guard isDirectory(path) else { throw .fileExists }
    case .failure(.noSuchFileOrDirectory):
      guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else {
        throw .noSuchFileOrDirectory
      }
      try makeDirectories(String(path[..<slash]))
      // Made meanwhile by another process: still a folder, still fine.
      switch SystemCall.result({ mkdir(path, 0o777) }) {
      case .success: return
      case .failure(.fileExists) where isDirectory(path):
        return
      case .failure(let error): throw error
      }
    case .failure(let error):
      throw error
    }
  }

  /// Whether `path` names a folder (links followed).
  private static func isDirectory(_ path: String) -> Bool {
    (try? status(path)).map { $0.st_mode & S_IFMT == S_IFDIR } ?? false
  }

  /// Removes the file at `path` (`unlink(2)`).
  public static func removeFile(_ path: String) throws(Errno) {
    _ = try SystemCall.result { unlink(path) }.get()
  }

  /// ``removeFile(_:)`` for a path given as raw bytes.
  public static func removeFile(bytes path: [UInt8]) throws(Errno) {
    _ = try withTerminated(path) { path in SystemCall.result { unlink(path) } }.get()
  }

  /// Removes the file at `path` when there is one: a missing file is no failure.
  public static func removeFileIfPresent(_ path: String) throws(Errno) {
    do {
      try removeFile(path)
    } catch where error == .noSuchFileOrDirectory {
    }
  }

  /// ``removeFileIfPresent(_:)`` for a path given as raw bytes.
  public static func removeFileIfPresent(bytes path: [UInt8]) throws(Errno) {
    do {
      try removeFile(bytes: path)
    } catch where error == .noSuchFileOrDirectory {
    }
  }

  /// The status of what `path` names, its symbolic links followed (`stat(2)`).
  public static func status(_ path: String) throws(Errno) -> FileStatus {
    var info = FileStatus()
    _ = try SystemCall.result { stat(path, &info) }.get()
    return info
  }

  /// Cuts the file at `path` to `size` bytes (`truncate(2)`).
  public static func truncate(_ path: String, to size: Int64) throws(Errno) {
    _ = try SystemCall.result { truncateFile(path, off_t(size)) }.get()
  }

  /// ``status(_:)`` for a path given as raw bytes.
  public static func status(bytes path: [UInt8]) throws(Errno) -> FileStatus {
    var info = FileStatus()
    _ = try withTerminated(path) { path in SystemCall.result { stat(path, &info) } }.get()
    return info
  }

  /// The names in the folder at `path` (`opendir(3)`, `readdir(3)`), as raw bytes in the order
  /// the file system gives them, without `.` and `..`.
  public static func entries(ofDirectory path: [UInt8]) throws(Errno) -> [[UInt8]] {
    guard let directory = withTerminated(path, { opendir($0) }) else {
      throw Errno(rawValue: errno)
    }
    defer { closedir(directory) }
    var names: [[UInt8]] = []
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> [UInt8] in
        Array(raw.prefix(while: { $0 != 0 }))
      }
      if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] {
        continue
      }
      names.append(name)
    }
    return names
  }

  /// `path` with its symbolic links, `.` and `..` resolved (`realpath(3)`).
  public static func resolved(_ path: String) throws(Errno) -> String {
    String(decoding: try resolved(bytes: Array(path.utf8)), as: UTF8.self)
  }

  /// ``resolved(_:)`` for a path given and returned as raw bytes.
  public static func resolved(bytes path: [UInt8]) throws(Errno) -> [UInt8] {
    let result: Result<[UInt8], Errno> = withTerminated(path) { path in
      guard let resolved = realpath(path, nil) else { return .failure(Errno(rawValue: errno)) }
      defer { free(resolved) }
      return .success(
        UnsafeRawBufferPointer(start: resolved, count: strlen(resolved)).map { $0 })
    }
    return try result.get()
  }

  /// Runs `body` with a NUL-terminated copy of a raw path.
  static func withTerminated<R>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
    var terminated = path.map { CChar(bitPattern: $0) }
    terminated.append(0)
    return terminated.withUnsafeBufferPointer { body($0.baseAddress!) }
  }
}

extension FileDescriptor {
  /// Takes an exclusive advisory lock without waiting (`flock(2)` with `LOCK_EX | LOCK_NB`):
  /// false when another open file holds it.
  public func lockExclusivelyIfFree() throws(Errno) -> Bool {
    switch SystemCall.result({ flock(rawValue, LOCK_EX | LOCK_NB) }) {
    case .success: return true
    case .failure(let error) where error == .wouldBlock: return false
    case .failure(let error): throw error
    }
  }

  /// Lets go of the advisory lock (`flock(2)` with `LOCK_UN`); closing the file does too.
  public func unlock() {
    _ = SystemCall.result { flock(rawValue, LOCK_UN) }
  }
}

extension FileStatus {
  /// The modification time in nanoseconds since 1970 (`st_mtim`), the form checkpoints and
  /// outcomes record.
  public var modificationNanoseconds: Int64 {
    #if canImport(Darwin)
      Int64(st_mtimespec.tv_sec) * 1_000_000_000 + Int64(st_mtimespec.tv_nsec)
    #else
      Int64(st_mtim.tv_sec) * 1_000_000_000 + Int64(st_mtim.tv_nsec)
    #endif
  }
}

extension SystemErrorText {
  /// The system's own message for an `errno` value (`strerror(3)`), as outputs written before
  /// ``FileIOError/words(errno:)`` name some failures.
  public static func systemMessage(_ code: Int32) -> String {
    String(cString: strerror(code))
  }
}
