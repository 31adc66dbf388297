import Formats
import Foundation
import GRDB
import LookoutSystem
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Moves finished files (done, duplicate, failed) from the inbox to `--move-processed`, keeping
/// their relative path, without ever losing one.
///
/// The move is queued (`move_state = pending`) in the transaction that finishes the file. Then:
/// 1. a destination that is free is chosen and recorded (`moved_to`) before anything is touched;
/// 2. the file is renamed there (across file systems: copied to a temporary name, synced,
///    renamed into place, the folder synced, and only then the original removed);
/// 3. the move is recorded as done.
/// After a crash at any step the next run sees where things are: the original still in the
/// inbox (move again, reusing the recorded destination), only at the destination (record it), or
/// at both after a cross-device copy (remove the original once the copy has the same size).
///
/// Only files inside the inbox are moved: the file's folder is resolved (`InboxBoundary`) and
/// the move is refused, once and with the reason, when a symbolic link leads it outside. A name
/// that is not valid UTF-8 is found by its raw bytes (`ShownPathBytes`) and moved to the name
/// the walk shows for it (`%XX` escapes), the only name the state database can record.
public struct ProcessedFileMover: Sendable {
  public var inbox: String
  public var destination: String
  private let boundary: InboxBoundary

  public init(inbox: String, destination: String) {
    self.inbox = inbox
    self.destination = destination
    boundary = InboxBoundary(inbox: inbox)
  }

  /// Carries out every pending move; returns how many files were moved. A move that fails (disk
  /// full, permissions) stays pending for the next pass and is reported once.
  public func movePending(store: WatchStore) throws(WatchError) -> (moved: Int, problems: [String])
  {
    let pending = try store.read { db in
      try InboxFile.filter(sql: "move_state = 'pending'").order(sql: "id").fetchAll(db)
    }
    var moved = 0
    var problems: [String] = []
    for var row in pending {
      let (source, sourceIsThisVersion) = locate(row)
      let shown = String(decoding: source, as: UTF8.self)
      var inside = source
      if sourceIsThisVersion {
        switch boundary.resolveFolder(of: source) {
        case .success(let real): inside = real
        case .failure(let refusal):
          // Never touch a file outside the inbox: recorded as gone from it, said once.
          problems.append("not moving \(shown): \(refusal.reason)")
          row.moveState = .missing
          let refused = row
          try store.write { db in try refused.update(db) }
          continue
        }
      }
      if row.movedTo == nil {
        guard sourceIsThisVersion else {
          // Gone (or replaced by a new upload, which is a new version of its own).
          row.moveState = .missing
          try store.write { db in try row.update(db) }
          continue
        }
        row.movedTo = freeDestination(for: row.path)
        let planned = row
        try store.write { db in try planned.update(db) }
      }
      let target = row.movedTo!
      if !sourceIsThisVersion && Self.stat(target) == nil {
        row.moveState = .missing
        let missing = row
        try store.write { db in try missing.update(db) }
        continue
      }
      do throws(MoveFailure) {
        if sourceIsThisVersion { try Self.move(inside, to: target, size: row.size) }
      } catch {
        problems.append("cannot move \(shown) to \(target): \(error.reason)")
        continue
      }
      row.moveState = .moved
      let done = row
      try store.write { db in try done.update(db) }
      moved += 1
    }
    return (moved, problems)
  }

  /// The file's path in the inbox, as raw bytes, and whether it is the version the row records
  /// (same size and modification time): the path as written, or its unescaped reading for a
  /// name that is not valid UTF-8.
  private func locate(_ row: InboxFile) -> (path: [UInt8], isThisVersion: Bool) {
    let folder = Array(inbox.utf8) + [UInt8(ascii: "/")]
    let paths = ShownPathBytes.candidates(row.path).map { folder + $0 }
    for path in paths {
      if let info = FileStat.of(bytes: path), info.size == row.size,
        info.mtimeNanoseconds == row.mtimeNanoseconds
      {
        return (path, true)
      }
    }
    return (paths[0], false)
  }

  /// `<destination>/<relative path>`, or `name-1.ext`, `name-2.ext`, … when taken.
  private func freeDestination(for relativePath: String) -> String {
    let base = destination + "/" + relativePath
    if Self.stat(base) == nil && Self.stat(base + ".lookout-partial") == nil { return base }
    let url = URL(fileURLWithPath: base)
    let ext = url.pathExtension
    let stem = url.deletingPathExtension().path
    for n in 1... {
      let candidate = stem + "-\(n)" + (ext.isEmpty ? "" : "." + ext)
      if Self.stat(candidate) == nil && Self.stat(candidate + ".lookout-partial") == nil {
        return candidate
      }
    }
    fatalError("unreachable")
  }

  struct MoveFailure: Error {
    var reason: String
  }

  private static func failure(_ error: Errno) -> MoveFailure {
    MoveFailure(reason: SystemErrorText.systemMessage(error.rawValue))
  }

  static func move(_ source: [UInt8], to target: String, size: Int64) throws(MoveFailure) {
    let folder = (target as NSString).deletingLastPathComponent
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw MoveFailure(reason: "cannot create \(folder): \(SystemErrorText.describe(error))")
    }
    if let existing = stat(target), existing.size == size {
      // A cross-device copy finished before a crash: only the original is left to remove.
      do {
        try PathCall.removeFileIfPresent(bytes: source)
      } catch {
        throw failure(error)
      }
      return
    }
    do {
      try PathCall.rename(bytes: source, to: target)
      syncFolder(folder)
      return
    } catch where error == .improperLink {
      // Another file system: copied below.
    } catch {
      throw failure(error)
    }
    let partial = target + ".lookout-partial"
    try copy(source, to: partial)
    do {
      try PathCall.rename(partial, to: target)
    } catch {
      try? PathCall.removeFile(partial)
      throw failure(error)
    }
    syncFolder(folder)
    do {
      try PathCall.removeFileIfPresent(bytes: source)
    } catch {
      throw failure(error)
    }
  }

  private static func copy(_ source: [UInt8], to target: String) throws(MoveFailure) {
    let input: FileDescriptor
    do {
      input = try FileDescriptor.opening(bytes: source, .readOnly, options: .noFollow)
    } catch {
      throw failure(error)
    }
    defer { input.closeIgnoringFailure() }
    let output: FileDescriptor
    do {
      output = try FileDescriptor.opening(
        target, .writeOnly, options: [.create, .truncate],
        permissions: FilePermissions(rawValue: 0o644))
    } catch {
      throw failure(error)
    }
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    do {
      while true {
        let n = try input.readSome(into: &buffer)
        if n == 0 { break }
        try output.writeEverything(buffer[0..<n])
      }
      try output.synchronize()
    } catch {
      output.closeIgnoringFailure()
      try? PathCall.removeFile(target)
      throw failure(error)
    }
    output.closeIgnoringFailure()
  }

  private static func syncFolder(_ folder: String) {
    try? FileDescriptor.synchronizeDirectory(atPath: folder)
  }

  static func stat(_ path: String) -> (size: Int64, mtime: Int64)? {
    FileStat.of(path).map { ($0.size, $0.mtimeNanoseconds) }
  }
}
