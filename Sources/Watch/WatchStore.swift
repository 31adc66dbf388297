import Foundation
import GRDB

/// The state database `<out>/watch.sqlite`: inbox files, the alert outbox and deliveries.
///
/// A `DatabaseQueue`, not a `DatabasePool`: one process writes (the watch lock sees to that),
/// almost every access is a write, and a single serialized connection makes each
/// check-then-commit (is this file still open? then mark it done and queue its alert) race-free
/// between the scanning lanes and the delivery task without further locking. WAL journaling is
/// still on, so that a `kill -9` at any moment leaves the last committed transaction intact and
/// outside readers (`sqlite3 watch.sqlite`, monitoring) never block the watcher; `synchronous =
/// FULL` makes each commit durable before a file is moved or an alert is sent.
public final class WatchStore: Sendable {
  /// File name of the database inside the output folder.
  public static let fileName = "watch.sqlite"

  public let path: String
  /// The connection; use `write` for anything that must agree with the rest of the state.
  public let queue: DatabaseQueue

  /// Opens (creating and migrating if needed) the database in `directory`. An empty (0-byte)
  /// file is refused: it is not a new state but a lost one (a failed copy or restore), and
  /// starting from it would process and deliver every image in the inbox again.
  public init(directory: String) throws(WatchError) {
    path = directory + "/" + Self.fileName
    if let info = FileStat.of(path), info.size == 0,
      (FileStat.of(path + "-wal")?.size ?? 0) == 0
    {
      throw .database(
        path: path,
        reason: "the file is empty (0 bytes), so it does not say what was already processed "
          + "and delivered; starting from it would deliver every alert again. Restore it from a "
          + "backup, or delete it to start over on purpose")
    }
    var config = Configuration()
    config.journalMode = .wal
    // Outside readers may hold a read lock briefly; wait rather than fail.
    config.busyMode = .timeout(10)
    config.prepareDatabase { db in
      try db.execute(sql: "PRAGMA synchronous = FULL")
    }
    do {
      queue = try DatabaseQueue(path: path, configuration: config)
      try WatchSchema.migrator().migrate(queue)
    } catch {
      throw .database(path: path, reason: Self.describe(error))
    }
  }

  /// Runs `body` in one write transaction, turning database errors into ``WatchError``.
  public func write<T>(_ body: (Database) throws -> T) throws(WatchError) -> T {
    do {
      return try queue.write(body)
    } catch let error as WatchError {
      throw error
    } catch {
      throw .database(path: path, reason: Self.describe(error))
    }
  }

  /// Runs `body` in a read transaction.
  public func read<T>(_ body: (Database) throws -> T) throws(WatchError) -> T {
    do {
      return try queue.read(body)
    } catch {
      throw .database(path: path, reason: Self.describe(error))
    }
  }

  /// The async variant of ``write(_:)``, for the delivery task.
  public func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T)
    async throws(WatchError) -> T
  {
    do {
      return try await queue.write(body)
    } catch let error as WatchError {
      throw error
    } catch {
      throw .database(path: path, reason: Self.describe(error))
    }
  }

  /// The async variant of ``read(_:)``.
  public func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T)
    async throws(WatchError) -> T
  {
    do {
      return try await queue.read(body)
    } catch {
      throw .database(path: path, reason: Self.describe(error))
    }
  }

  /// "disk full (SQLITE_FULL)" and the like, for messages.
  static func describe(_ error: any Error) -> String {
    guard let db = error as? DatabaseError else { return "\(error)" }
    if db.resultCode == .SQLITE_FULL { return "disk full (SQLITE_FULL)" }
    return db.message.map { "\($0) (\(db.resultCode))" } ?? "\(db.resultCode)"
  }
}
