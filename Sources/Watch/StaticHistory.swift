import Formats
import GRDB
import LookoutCore

/// `watch`'s static rule (``LookoutCore/StaticRule``, the same as `scan`'s) over each camera's
/// history in the state database: a box that reached its alert threshold at the same place
/// (IoU at least the rule's, same class) of the same camera in at least `minImages` frames over
/// at least `minEvents` events is static, and raises no alert.
///
/// Every box of an alerting class that reaches its threshold is kept in `static_box` (camera,
/// class, box, frame time, file), written in the transaction that finishes its image, so the
/// history survives restarts and a crash never leaves half of it. Events are cut with
/// ``LookoutCore/EventGap`` at the group window, over the camera's frames kept there (those with
/// such a box).
public struct StaticHistory: Sendable {
  public var rule: StaticRule
  public var gap: EventGap

  public init(rule: StaticRule, gap: EventGap) {
    self.rule = rule
    self.gap = gap
  }

  /// One box of a frame the rule looks at.
  public struct Box: Sendable {
    /// Its index in the image's outcome.
    public var index: Int
    public var classIndex: Int
    /// `[x, y, width, height]`, relative to the image.
    public var box: [Float]
  }

  /// Checks the boxes of one frame (file `fileID`, camera `camera`, taken at `frameTime`)
  /// against the camera's history, then adds them to it. Returns the indices of the static
  /// ones.
  public func record(
    _ db: Database, camera: String, frameTime: Double, fileID: Int64, boxes: [Box]
  ) throws -> Set<Int> {
    guard rule.isEnabled else { return [] }
    var statics = Set<Int>()
    let threshold = Float(rule.minIoU)
    // Boxes are at most 1 wide, and two at IoU t have left edges at most (1 - t) x that apart.
    let reach = (1 - rule.minIoU) + 1e-6
    for box in boxes where box.box.count == 4 {
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT file_id, frame_time, x, y, w, h FROM static_box
          WHERE camera = ? AND class_index = ? AND x BETWEEN ? AND ?
          """,
        arguments: [
          camera, box.classIndex, Double(box.box[0]) - reach, Double(box.box[0]) + reach,
        ])
      var files: Set<Int64> = [fileID]
      var times: [Double] = [frameTime]
      for row in rows {
        let other: [Float] = [
          Float(row["x"] as Double), Float(row["y"] as Double), Float(row["w"] as Double),
          Float(row["h"] as Double),
        ]
        guard StaticRule.iou(box.box, other) >= threshold else { continue }
        files.insert(row["file_id"])
        times.append(row["frame_time"])
      }
      guard files.count >= rule.minImages else { continue }
      if try events(db, camera: camera, among: times, plus: frameTime) >= rule.minEvents {
        statics.insert(box.index)
      }
    }
    for box in boxes where box.box.count == 4 {
      try db.execute(
        sql: """
          INSERT INTO static_box (file_id, camera, class_index, x, y, w, h, frame_time)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          fileID, camera, box.classIndex, Double(box.box[0]), Double(box.box[1]),
          Double(box.box[2]), Double(box.box[3]), frameTime,
        ])
    }
    return statics
  }

  /// How many of the camera's events the frames taken at `times` lie in: the camera's kept
  /// frames (and this one, at `frameTime`) between the first and last of them, cut where two
  /// are more than the gap apart.
  private func events(
    _ db: Database, camera: String, among times: [Double], plus frameTime: Double
  ) throws -> Int {
    guard let first = times.min(), let last = times.max() else { return 0 }
    var timeline = try Double.fetchAll(
      db,
      sql: """
        SELECT DISTINCT frame_time FROM static_box
        WHERE camera = ? AND frame_time BETWEEN ? AND ? ORDER BY frame_time
        """,
      arguments: [camera, first, last])
    timeline.append(frameTime)
    timeline.sort()
    let wanted = Set(times)
    var count = 0
    var previous: Double?
    var counted = false
    for time in timeline {
      if let previous, gap.continues(from: previous, to: time) {
        // Same event.
      } else {
        counted = false
      }
      if !counted, wanted.contains(time) {
        count += 1
        counted = true
      }
      previous = time
    }
    return count
  }
}
