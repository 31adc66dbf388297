import GRDB

/// The state database's schema, as named migrations in one migrator (GRDB runs each once, in
/// order, inside a transaction, and records it in `grdb_migrations`).
///
/// - `inbox_file`: one row per version of an inbox file (path, size, modification time, content
///   hash once read), its status (`settling`, `retry`, `done`, `failed`, `duplicate`), attempts,
///   timestamps, failure reason, and the move to `--move-processed`. At most one open
///   (`settling`/`retry`) row per path; finished rows are never reopened, so a finished version is
///   never processed again.
/// - `alert`: the outbox. One row per alert (an event of one or more frames), its revision,
///   frame count, best frame and the JSON payload of its current revision.
/// - `alert_frame`: which image belongs to which alert (an image belongs to at most one).
/// - `delivery`: per alert and sink, the revision to deliver, the revision delivered, attempts,
///   last answer and the receiver's id for the event.
/// - `sink_state`: per sink, consecutive failures and the pause before the next try, and for the
///   JSON Lines file the bytes known to be committed.
/// - `static_box` (v2): per camera, every box of an alerting class that reached its threshold,
///   with its frame's time and file: the history the static rule (``StaticHistory``) looks at.
enum WatchSchema {
  static func migrator() -> DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1: inbox files, alert outbox, deliveries") { db in
      try db.execute(
        sql: """
          CREATE TABLE inbox_file (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            path TEXT NOT NULL,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            content_hash TEXT,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            first_seen_at DATETIME NOT NULL,
            unchanged_since DATETIME NOT NULL,
            retry_at DATETIME,
            finished_at DATETIME,
            failure_reason TEXT,
            duplicate_of INTEGER REFERENCES inbox_file(id),
            alert_id TEXT,
            detections INTEGER,
            move_state TEXT,
            moved_to TEXT
          );
          CREATE UNIQUE INDEX inbox_file_open_path ON inbox_file(path)
            WHERE status IN ('settling', 'retry');
          CREATE INDEX inbox_file_identity ON inbox_file(path, size, mtime_ns);
          CREATE INDEX inbox_file_hash ON inbox_file(content_hash) WHERE content_hash IS NOT NULL;
          CREATE INDEX inbox_file_move ON inbox_file(move_state) WHERE move_state = 'pending';

          CREATE TABLE alert (
            id TEXT PRIMARY KEY,
            group_key TEXT NOT NULL,
            label TEXT NOT NULL,
            revision INTEGER NOT NULL,
            frame_count INTEGER NOT NULL,
            first_frame_time REAL NOT NULL,
            last_frame_time REAL NOT NULL,
            best_file TEXT NOT NULL,
            best_confidence REAL NOT NULL,
            best_record TEXT NOT NULL,
            inside INTEGER,
            areas TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at DATETIME NOT NULL,
            updated_at DATETIME NOT NULL
          );
          CREATE INDEX alert_group ON alert(group_key, last_frame_time);

          CREATE TABLE alert_frame (
            file_id INTEGER PRIMARY KEY REFERENCES inbox_file(id),
            alert_id TEXT NOT NULL REFERENCES alert(id),
            file TEXT NOT NULL,
            frame_alert_id TEXT NOT NULL,
            confidence REAL NOT NULL,
            frame_time REAL NOT NULL
          );
          CREATE INDEX alert_frame_alert ON alert_frame(alert_id);

          CREATE TABLE delivery (
            alert_id TEXT NOT NULL REFERENCES alert(id),
            sink TEXT NOT NULL,
            target_revision INTEGER NOT NULL,
            delivered_revision INTEGER NOT NULL DEFAULT 0,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            queued_at DATETIME NOT NULL,
            delivered_at DATETIME,
            last_status INTEGER,
            last_error TEXT,
            remote_id TEXT,
            PRIMARY KEY (alert_id, sink)
          );
          CREATE INDEX delivery_pending ON delivery(sink, state, queued_at);

          CREATE TABLE sink_state (
            sink TEXT PRIMARY KEY,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            paused_until DATETIME,
            last_error TEXT,
            file_inode INTEGER,
            file_bytes INTEGER
          );
          """)
    }
    migrator.registerMigration("v2: box history for static detections") { db in
      try db.execute(
        sql: """
          CREATE TABLE static_box (
            file_id INTEGER NOT NULL REFERENCES inbox_file(id),
            camera TEXT NOT NULL,
            class_index INTEGER NOT NULL,
            x REAL NOT NULL,
            y REAL NOT NULL,
            w REAL NOT NULL,
            h REAL NOT NULL,
            frame_time REAL NOT NULL
          );
          CREATE INDEX static_box_place ON static_box(camera, class_index, x);
          CREATE INDEX static_box_time ON static_box(camera, frame_time);
          """)
    }
    return migrator
  }
}
