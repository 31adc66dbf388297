import Formats

/// Turns the alerts of a card's images into one alert per event (``Formats/AlertEvent``): the
/// record of the event's best frame (highest confidence; the first in file order on a tie),
/// with the classes seen in any of its alerting frames and the list of those frames.
///
/// Images are added in file order; only the events that alert are kept (one record and a file
/// list each), and ``alerts()`` returns them in the file order of their first alerting frame.
struct EventAlerts {
  private struct Pending {
    var best: AlertRecord
    var labels: Set<String>
    var event: AlertEvent
  }

  private var pending: [Pending] = []
  private var byEvent: [String: Int] = [:]

  /// Adds one image's alert; `event` is the image's event (an image without one alerts alone).
  mutating func add(_ alert: AlertRecord, event: ImageEvent?) {
    guard let event else {
      var alone = alert
      alone.event = AlertEvent(
        id: "", start: alert.capturedAt ?? "", end: alert.capturedAt ?? "", frames: 1,
        files: [alert.file])
      pending.append(Pending(best: alone, labels: Set(alert.labels), event: alone.event!))
      return
    }
    if let index = byEvent[event.id] {
      pending[index].labels.formUnion(alert.labels)
      pending[index].event.files.append(alert.file)
      if alert.bestConfidence > pending[index].best.bestConfidence { pending[index].best = alert }
    } else {
      byEvent[event.id] = pending.count
      pending.append(
        Pending(
          best: alert, labels: Set(alert.labels),
          event: AlertEvent(
            id: event.id, start: event.start, end: event.end, frames: event.frames,
            files: [alert.file])))
    }
  }

  /// Whether the event with id `id` alerts.
  func alerts(event id: String) -> Bool { byEvent[id] != nil }

  /// One record per event that alerts, in the order their first alerting frames were added.
  func alerts() -> [AlertRecord] {
    pending.map { entry in
      var record = entry.best
      record.labels = entry.labels.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      record.event = entry.event
      return record
    }
  }
}
