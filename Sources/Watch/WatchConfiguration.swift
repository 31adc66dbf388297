import Formats
import Foundation
import LookoutCore
import Pipeline

/// Everything `lookout watch` needs, as plain values. The command line fills one from the config
/// file and its flags (``WatchSettings/resolved()``); tests build one directly.
public struct WatchConfiguration: Sendable {
  /// The upload folder that is watched (searched recursively).
  public var inbox: String
  /// Where the state database, the lock and alerts.jsonl live (created if missing).
  public var output: String
  /// Seconds a file's size and modification time must stay unchanged before it is processed.
  public var settleSeconds: Double
  /// Attempts at an image that cannot be read or decoded before it is recorded as failed.
  public var maxAttempts: Int
  /// Seconds between two attempts at the same image.
  public var retryDelaySeconds: Double
  /// Where finished files are moved (their relative path kept), or nil to leave them.
  public var moveProcessedTo: String?
  /// Images scanned at once.
  public var jobs: Int
  /// Thresholds by class name (over the model's defaults), and by site over those, resolved for
  /// each image (``LookoutCore/ClassThresholds/resolved(defaults:site:)``).
  public var thresholds: ClassThresholds
  /// Frames of the same camera and label closer than this many seconds form one alert; 0 turns
  /// grouping off.
  public var groupWindowSeconds: Double
  /// Protected areas, deployments and what happens to detections outside the areas.
  public var geofence: GeofenceSettings
  /// The sinks besides alerts.jsonl, and how failed deliveries are retried.
  public var delivery: DeliverySettings
  /// When a box is static scenery and raises no alert (``StaticHistory``; `--keep-static`).
  public var staticRule = StaticRule.standard

  public init(
    inbox: String, output: String, settleSeconds: Double = 15, maxAttempts: Int = 3,
    retryDelaySeconds: Double = 60, moveProcessedTo: String? = nil, jobs: Int = 1,
    thresholds: ClassThresholds = ClassThresholds(), groupWindowSeconds: Double = 120,
    geofence: GeofenceSettings = GeofenceSettings(), delivery: DeliverySettings = DeliverySettings()
  ) {
    self.inbox = inbox
    self.output = output
    self.settleSeconds = settleSeconds
    self.maxAttempts = maxAttempts
    self.retryDelaySeconds = retryDelaySeconds
    self.moveProcessedTo = moveProcessedTo
    self.jobs = jobs
    self.thresholds = thresholds
    self.groupWindowSeconds = groupWindowSeconds
    self.geofence = geofence
    self.delivery = delivery
  }
}

/// Which detections raise alerts, given where they are.
public enum GeofencePolicy: String, Sendable, CaseIterable {
  /// Every detection alerts; the alert says whether it is inside a protected area.
  case all
  /// Only detections known to be inside a protected area alert.
  case inside
  /// Detections inside a protected area, or whose location is unknown, alert.
  case insideOrUnknown = "inside-or-unknown"
}

/// Protected areas and camera deployments.
public struct GeofenceSettings: Sendable {
  /// GeoJSON file of protected areas, or nil.
  public var areasPath: String?
  /// Deployments CSV, or nil.
  public var deploymentsPath: String?
  public var policy: GeofencePolicy
  /// UTC offset of camera clocks that record none (`+03:00`), for alert times with an offset.
  public var cameraUTCOffsetMinutes: Int?

  public init(
    areasPath: String? = nil, deploymentsPath: String? = nil, policy: GeofencePolicy = .all,
    cameraUTCOffsetMinutes: Int? = nil
  ) {
    self.areasPath = areasPath
    self.deploymentsPath = deploymentsPath
    self.policy = policy
    self.cameraUTCOffsetMinutes = cameraUTCOffsetMinutes
  }
}

/// Where a secret comes from: an environment variable or a file, never the command line.
public struct TokenSource: Sendable, Equatable {
  /// Name of the environment variable holding the token.
  public var environmentVariable: String?
  /// File whose content (trimmed) is the token.
  public var file: String?

  public init(environmentVariable: String? = nil, file: String? = nil) {
    self.environmentVariable = environmentVariable
    self.file = file
  }
}

/// A generic JSON webhook.
public struct WebhookSettings: Sendable {
  public var url: String
  public var token: TokenSource

  public init(url: String, token: TokenSource = TokenSource()) {
    self.url = url
    self.token = token
  }
}

/// An EarthRanger server (events API).
public struct EarthRangerSettings: Sendable {
  /// The site's base URL, e.g. `https://reserve.pamdas.org`; events go to
  /// `<url>/api/v1.0/activity/events/`.
  public var url: String
  public var token: TokenSource
  public var eventType: String
  /// Priority by label (EarthRanger: 0 gray, 100 green, 200 amber, 300 red).
  public var priorities: [String: Int]

  public init(
    url: String, token: TokenSource = TokenSource(),
    eventType: String = WatchOptions.earthRangerEventType.defaultValue,
    priorities: [String: Int] = ["person": 300, "vehicle": 200]
  ) {
    self.url = url
    self.token = token
    self.eventType = eventType
    self.priorities = priorities
  }
}

/// The network sinks and their retry policy.
public struct DeliverySettings: Sendable {
  public var webhook: WebhookSettings?
  public var earthRanger: EarthRangerSettings?
  /// First retry delay in seconds; doubles with each consecutive failure, with jitter.
  public var retryBaseSeconds: Double
  /// Longest delay between retries (and the cap on a server's Retry-After).
  public var retryMaxSeconds: Double
  /// With `--once`: how long to keep retrying failed deliveries before the run ends (they stay
  /// in the outbox for the next run either way).
  public var onceWaitSeconds: Double
  /// Per-request timeout.
  public var requestTimeoutSeconds: Double

  public init(
    webhook: WebhookSettings? = nil, earthRanger: EarthRangerSettings? = nil,
    retryBaseSeconds: Double = WatchOptions.retryBase.defaultValue,
    retryMaxSeconds: Double = WatchOptions.retryMax.defaultValue,
    onceWaitSeconds: Double = WatchOptions.deliveryWait.defaultValue,
    requestTimeoutSeconds: Double = 30
  ) {
    self.webhook = webhook
    self.earthRanger = earthRanger
    self.retryBaseSeconds = retryBaseSeconds
    self.retryMaxSeconds = retryMaxSeconds
    self.onceWaitSeconds = onceWaitSeconds
    self.requestTimeoutSeconds = requestTimeoutSeconds
  }
}
