import Foundation
import GRDB
import Watch

/// An inbox, an output folder and a scripted engine, with helpers to run passes the way cron
/// would (a new watcher, and so a new lock and database connection, for every run).
struct WatchHarness {
  let folder: TestFolder
  let engine = ScriptedEngine()
  var configuration: WatchConfiguration

  init(_ name: String) {
    folder = TestFolder(name)
    configuration = WatchConfiguration(
      inbox: folder.sub("inbox"), output: folder.path + "/out", settleSeconds: 0,
      retryDelaySeconds: 0, groupWindowSeconds: 0)
    configuration.delivery.onceWaitSeconds = 0
  }

  var inbox: String { configuration.inbox }
  var output: String { configuration.output }
  var jsonl: String { output + "/alerts.jsonl" }

  func put(_ relative: String, _ text: String) {
    TestFiles.write(text, to: inbox + "/" + relative)
  }

  func makeWatcher(
    sinks: [any AlertSink] = [], log: @escaping @Sendable (String) -> Void = { _ in }
  ) throws -> InboxWatcher {
    let engine = self.engine
    return try InboxWatcher(
      configuration: configuration, sinks: sinks, loadEngine: { engine }, log: log)
  }

  /// One `--once` run with a fresh watcher.
  func runOnce(
    sinks: [any AlertSink] = [], log: @escaping @Sendable (String) -> Void = { _ in }
  ) async throws -> PassSummary {
    let watcher = try makeWatcher(sinks: sinks, log: log)
    return try await watcher.runOnce()
  }

  /// Reads the state database.
  func query<T>(_ body: (Database) throws -> T) throws -> T {
    let queue = try DatabaseQueue(path: output + "/watch.sqlite")
    return try queue.read(body)
  }

  func files() throws -> [InboxFile] {
    try query { try InboxFile.order(sql: "id").fetchAll($0) }
  }

  func alerts() throws -> [OutboxAlert] {
    try query { try OutboxAlert.order(sql: "created_at, id").fetchAll($0) }
  }

  /// alerts.jsonl parsed: the last line of each alert id.
  func latestPayloads() -> [String: [String: Any]] {
    var out: [String: [String: Any]] = [:]
    for line in TestFiles.lines(jsonl) {
      let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
      out[object["id"] as! String] = object
    }
    return out
  }
}
