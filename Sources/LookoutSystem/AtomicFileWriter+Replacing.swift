#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

extension AtomicFileWriter {
  /// Replaces a file someone keeps (a config file) atomically, as an edit of that file rather
  /// than a new one: when `path` is a symbolic link, the file it leads to is replaced and the
  /// link stays; the new file gets the old one's permission bits and, where the system allows
  /// it (root, or the same owner), its owner and group. A missing file is created as
  /// `write(_:to:)` creates it.
  public static func replace(_ text: String, at path: String) throws(FileIOError) {
    let target = linkTarget(of: path)
    var info = stat()
    let existing = lstat(target, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    try write(
      Array(text.utf8), to: target, fault: nil,
      keeping: existing
        ? Ownership(mode: info.st_mode & 0o7777, owner: info.st_uid, group: info.st_gid) : nil)
  }

  /// The permission bits, owner and group a replaced file keeps.
  struct Ownership {
    var mode: mode_t
    var owner: uid_t
    var group: gid_t
  }

  /// The path a chain of symbolic links at `path` ends at (relative targets taken from the
  /// link's folder); `path` itself when it is not a link. Gives up after 40 links, as the
  /// kernel does, and then returns the last path (the write then fails with the reason).
  static func linkTarget(of path: String) -> String {
    var current = path
    for _ in 0..<40 {
      var info = stat()
      guard lstat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else { return current }
      var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
      let n = readlink(current, &buffer, buffer.count - 1)
      guard n > 0 else { return current }
      let target = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
      current = target.hasPrefix("/") ? target : directory(of: current) + "/" + target
    }
    return current
  }
}
