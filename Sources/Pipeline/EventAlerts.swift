import Formats

/// Turns the alerts of a card's images into one alert per event (``Formats/AlertEvent``): the
/// record of the event's best frame (highest confidence; the first in file order on a tie),
/// with the classes seen in any of its alerting frames and the list of those frames.
///
/// Images are added in file order, each with the file-order index of its event's last image.
/// An event's alert is handed out (``takeCompleted(through:)``) once the images up to that
/// index were added and every event whose first alerting frame came before it was handed out,
/// so alerts come in the file order of their first alerting frames, and only the events still
/// open are kept (one record and a file list each): a card's alerts are never all in memory.
struct EventAlerts {
  private struct Pending {
    var best: AlertRecord
    var labels: Set<String>
    var event: AlertEvent
    /// The file-order index after which the event has no more frames.
    var completeAt: Int
  }

  /// The open events, from `pending[head]` on; those before `head` were handed out.
  private var pending: [Pending] = []
  private var head = 0
  /// How many handed-out entries were dropped from the front of `pending`.
  private var dropped = 0
  /// Each open event's position in the order of first alerting frames (`dropped` + index).
  private var byEvent: [String: Int] = [:]

  /// Adds one image's alert; `event` is the image's event (an image without one alerts alone)
  /// and `completeAt` the index of the event's last image in file order.
  mutating func add(_ alert: AlertRecord, event: ImageEvent?, completeAt: Int) {
    guard let event else {
      var alone = alert
      alone.event = AlertEvent(
        id: "", start: alert.capturedAt ?? "", end: alert.capturedAt ?? "", frames: 1,
        files: [alert.file])
      pending.append(
        Pending(
          best: alone, labels: Set(alert.labels), event: alone.event!, completeAt: completeAt))
      return
    }
    if let position = byEvent[event.id] {
      let index = position - dropped
      pending[index].labels.formUnion(alert.labels)
      pending[index].event.files.append(alert.file)
      if alert.bestConfidence > pending[index].best.bestConfidence { pending[index].best = alert }
    } else {
      byEvent[event.id] = dropped + pending.count
      pending.append(
        Pending(
          best: alert, labels: Set(alert.labels),
          event: AlertEvent(
            id: event.id, start: event.start, end: event.end, frames: event.frames,
            files: [alert.file]),
          completeAt: completeAt))
    }
  }

  /// Whether the event with id `id` alerts (asked before its alert is handed out).
  func alerts(event id: String) -> Bool { byEvent[id] != nil }

  /// The alerts of the events complete once the image at `index` (file order) was added, in
  /// the order of their first alerting frames, up to the first event still open.
  mutating func takeCompleted(through index: Int) -> [AlertRecord] {
    var records: [AlertRecord] = []
    while head < pending.count, pending[head].completeAt <= index {
      records.append(Self.record(pending[head]))
      if !pending[head].event.id.isEmpty { byEvent[pending[head].event.id] = nil }
      head += 1
    }
    if head >= 256, head * 2 >= pending.count {
      pending.removeFirst(head)
      dropped += head
      head = 0
    }
    return records
  }

  /// The alerts of every event not yet handed out, in the order of their first alerting frames.
  mutating func takeAll() -> [AlertRecord] { takeCompleted(through: Int.max) }

  private static func record(_ entry: Pending) -> AlertRecord {
    var record = entry.best
    record.labels = entry.labels.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    record.event = entry.event
    return record
  }
}
