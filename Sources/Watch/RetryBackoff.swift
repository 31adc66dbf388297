import LookoutCore

/// Delays between delivery attempts: exponential with jitter, and a receiver's Retry-After
/// honoured.
///
/// After the n-th consecutive failure the delay is `min(max, base * 2^(n-1))`, multiplied by a
/// random factor in 0.5…1 so that many watchers that lost the same server do not come back in
/// step. A receiver's Retry-After makes the wait longer, never shorter: the wait is the larger of
/// the two, capped at `maxSeconds` (a `Retry-After: 0` or a date in the past is no reason to
/// come back at once, and answering every request with one made thousands a second).
public struct RetryBackoff: Sendable {
  public var baseSeconds: Double
  public var maxSeconds: Double

  public init(baseSeconds: Double, maxSeconds: Double) {
    self.baseSeconds = baseSeconds
    self.maxSeconds = maxSeconds
  }

  /// Seconds to wait after `failures` consecutive failures (1 for the first).
  public func delay(failures: Int, retryAfter: Double? = nil, jitter: Double = .random(in: 0.5...1))
    -> Double
  {
    let exponent = Double(min(max(failures - 1, 0), 40))
    let step = min(maxSeconds, baseSeconds * Double.pow(2, exponent)) * jitter
    guard let retryAfter, retryAfter.isFinite else { return step }
    return min(max(retryAfter, step), maxSeconds)
  }

  /// A Retry-After header value: delta-seconds (`120`) or an HTTP-date
  /// (`Wed, 21 Oct 2015 07:28:00 GMT`), as seconds from `now` (epoch seconds).
  public static func parseRetryAfter(_ value: String, now: Double) -> Double? {
    let text = value.trimmingSpaces()
    if let seconds = Double(text), seconds.isFinite, seconds >= 0 { return seconds }
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
    let parts = text.split(separator: " ")
    guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]),
      let year = Int(parts[3])
    else { return nil }
    let months = [
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    guard let m = months.firstIndex(of: String(parts[2])) else { return nil }
    let clock = parts[4].split(separator: ":").compactMap { Int($0) }
    guard clock.count == 3 else { return nil }
    let iso =
      "\(year)-" + (m + 1 < 10 ? "0" : "") + "\(m + 1)-" + (day < 10 ? "0" : "") + "\(day)T"
      + [clock[0], clock[1], clock[2]].map { ($0 < 10 ? "0" : "") + "\($0)" }.joined(separator: ":")
    guard let at = CameraClock.seconds(iso) else { return nil }
    return max(0, at - now)
  }
}

extension Double {
  fileprivate static func pow(_ x: Double, _ y: Double) -> Double {
    var result = 1.0
    for _ in 0..<Int(y) { result *= x }
    return result
  }
}
