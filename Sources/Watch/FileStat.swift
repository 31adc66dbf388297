import LookoutSystem

/// A file's size and modification time (nanoseconds since 1970), as `stat(2)` gives them.
struct FileStat: Equatable {
  var size: Int64
  var mtimeNanoseconds: Int64
  var inode: Int64

  /// Nil when the path does not exist or cannot be stat'ed.
  static func of(_ path: String) -> FileStat? {
    (try? PathCall.status(path)).map(FileStat.init)
  }

  /// The same for a path given as raw bytes.
  static func of(bytes path: [UInt8]) -> FileStat? {
    (try? PathCall.status(bytes: path)).map(FileStat.init)
  }

  private init(_ info: FileStatus) {
    size = Int64(info.st_size)
    inode = Int64(info.st_ino)
    mtimeNanoseconds = info.modificationNanoseconds
  }
}
