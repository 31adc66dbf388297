import Foundation
import Formats
import LookoutSystem
import Synchronization
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The always-on sink: `<out>/alerts.jsonl`, one ``AlertPayload`` line per delivered revision.
///
/// Exactly once in the file, not just at least once: each line is appended with one `write()`
/// and `fsync`ed, and the file length after it is committed in the same transaction that marks
/// the delivery done (`sink_state.file_bytes`). A line written but not committed before a crash
/// is cut off by ``prepare(state:)`` on the next run and written again; so is a file that
/// appeared where the committed state says there was none (a first delivery that was killed).
/// Rotating the file away (a new inode) or truncating it is noticed and the new file is taken as
/// it is.
public final class JSONLinesSink: AlertSink {
  public static let fileName = "alerts.jsonl"
  public let name = "jsonl"
  /// A local file: its writes are never raced against the network's deadlines.
  public var isLocal: Bool { true }
  public let path: String
  private let writer = Mutex<JSONLinesWriter?>(nil)

  public init(directory: String) {
    path = directory + "/" + Self.fileName
  }

  public func prepare(state: SinkState) throws(WatchError) -> SinkState {
    var state = state
    guard let info = FileStat.of(path) else {
      // No file (yet): committed length 0 of a file that does not exist, saved before any line
      // is written, so that a file that appears later is known to hold only uncommitted lines.
      // An open writer would go on into a file moved away (rotated): the next line opens anew.
      dropWriter()
      state.fileInode = nil
      state.fileBytes = 0
      return state
    }
    if let inode = state.fileInode, inode == info.inode, let committed = state.fileBytes {
      if info.size > committed {
        try cut(to: committed)
      } else if info.size < committed {
        state.fileBytes = info.size
      }
    } else if state.fileInode == nil, let committed = state.fileBytes {
      // The state says there was no file: everything in this one was written after that and
      // never committed (a first delivery killed before its commit). Cut it, not adopt it.
      if info.size > committed { try cut(to: committed) }
      state.fileInode = info.inode
      state.fileBytes = min(info.size, committed)
    } else {
      // No state yet while a file exists (an output folder from before the state database),
      // or the file was rotated: take it as it is, and write to it rather than the old one.
      dropWriter()
      state.fileInode = info.inode
      state.fileBytes = info.size
    }
    return state
  }

  private func dropWriter() { writer.withLock { $0 = nil } }

  /// Truncates the file to its committed length (and drops the writer, which may be past it).
  private func cut(to committed: Int64) throws(WatchError) {
    try writer.withLock { (writer) throws(WatchError) in
      writer = nil
      do throws(Errno) {
        try PathCall.truncate(path, to: committed)
      } catch {
        throw .outputFile(FileIOError(path: path, step: .truncate, errno: error))
      }
    }
  }

  public func deliver(_ item: PendingDelivery) async -> DeliveryResult {
    writer.withLock { append(item, with: &$0) }
  }

  private func append(_ item: PendingDelivery, with writer: inout JSONLinesWriter?)
    -> DeliveryResult
  {
    do {
      if writer == nil { writer = try JSONLinesWriter(path: path) }
      try writer!.append(item.payload)
      CrashPoint.reached("jsonl:written")
      try writer!.sync()
      CrashPoint.reached("jsonl:synced")
    } catch {
      writer = nil
      // A full disk is worth retrying later; nothing was committed.
      return .retry(status: nil, after: nil, reason: error.description)
    }
    guard let info = FileStat.of(path) else {
      return .retry(status: nil, after: nil, reason: "\(path) vanished after writing")
    }
    return .delivered(
      status: nil, remoteID: nil, file: FileCursor(inode: info.inode, bytes: info.size))
  }
}

/// A file's identity and committed length.
public struct FileCursor: Sendable, Equatable {
  public var inode: Int64
  public var bytes: Int64
}
