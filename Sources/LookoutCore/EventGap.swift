/// The one rule that cuts a camera's frames into events, for `scan`'s `--event-gap` and
/// `watch`'s `--group-window` alike: a frame belongs to the event of the camera's frame before
/// it when the two are at most ``seconds`` apart, and starts a new event otherwise.
///
/// `scan` applies it to every image of a camera in capture-time order (``continues(from:to:)``);
/// `watch`, which sees frames as they arrive and in any order, joins a frame to the open event
/// whose frames reach within ``seconds`` of it (``window(around:)``).
public struct EventGap: Sendable, Equatable {
  /// Seconds; 0 groups only frames taken in the same second (for `watch`, 0 turns grouping off).
  public var seconds: Double

  public init(seconds: Double) {
    self.seconds = seconds
  }

  /// Whether a frame taken at `next` continues the event whose latest frame was taken at
  /// `previous` (seconds, `previous <= next`).
  public func continues(from previous: Double, to next: Double) -> Bool {
    next - previous <= seconds
  }

  /// The capture times a frame taken at `time` is in the same event with: those at most
  /// ``seconds`` before or after it.
  public func window(around time: Double) -> ClosedRange<Double> {
    (time - seconds)...(time + seconds)
  }
}
