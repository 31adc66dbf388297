import Formats
import Foundation
import LookoutCore

/// Cuts each camera's images into events: its images ordered by capture time, a new event
/// wherever two consecutive ones are more than the event gap apart.
///
/// A camera is the image's deployment, else its site and camera folders (``ImagePlace``), so
/// two cameras with the same file names stay apart. The capture time is EXIF
/// `DateTimeOriginal` (with the camera's offset, else the deployment's), else the file's
/// modification time, and each image's event says which (``Formats/CaptureTimeSource``).
/// Failed images belong to no event.
///
/// Images are added in file order, one outcome at a time; only a small record per image is
/// kept (its camera, its time in seconds and as text), never the outcomes, so a card's events
/// take a few dozen bytes per image.
struct EventGrouper {
  /// One image's place in time.
  private struct Frame {
    var camera: Int32
    var seconds: Int64
    var time: String
    var source: CaptureTimeSource
  }

  /// The gap in seconds above which a camera's next image starts a new event.
  let gapSeconds: Int
  private let locator: ImageLocator
  private var cameraNumbers: [String: Int32] = [:]
  private var cameraKeys: [String] = []
  /// Per image in file order; nil for an image that failed.
  private var frames: [Frame?] = []

  init(gapSeconds: Int, locator: ImageLocator) {
    self.gapSeconds = gapSeconds
    self.locator = locator
  }

  /// Adds the next image in file order; returns its camera's number (see ``cameraKey(of:)``)
  /// and its place, or nil for a failed image.
  @discardableResult
  mutating func add(_ outcome: ImageOutcome) -> (camera: Int32, place: ImagePlace)? {
    guard outcome.detections != nil else {
      frames.append(nil)
      return nil
    }
    let place = locator.place(relativePath: outcome.file, outcome: outcome)
    let key = Self.cameraKey(place, relativePath: outcome.file)
    let camera: Int32
    if let known = cameraNumbers[key] {
      camera = known
    } else {
      camera = Int32(cameraKeys.count)
      cameraNumbers[key] = camera
      cameraKeys.append(key)
    }
    if let text = ScanOutputs.capturedAt(outcome, place: place),
      let time = LocalDateTime(text)
    {
      frames.append(
        Frame(
          camera: camera, seconds: time.epochSeconds ?? time.localSeconds, time: text,
          source: .exif))
    } else {
      let seconds = outcome.modifiedNanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        .quotient
      frames.append(
        Frame(
          camera: camera, seconds: seconds,
          time: Timestamp.iso8601UTC(Date(timeIntervalSince1970: Double(seconds))),
          source: .file))
    }
    return (camera, place)
  }

  /// The key of the camera numbered `camera` by ``add(_:)``.
  func cameraKey(of camera: Int32) -> String { cameraKeys[Int(camera)] }

  /// The number of images added so far.
  var imageCount: Int { frames.count }

  /// The camera an image is counted at: its deployment's id, else `site/camera` from its place;
  /// for an image with neither (at the card's top level, or in a camera's own `DCIM/100MEDIA`
  /// folders), its folder under the key `<card>`: `<card>` at the top level,
  /// `<card>/DCIM/100MEDIA` below it. A site or camera is a folder name, which cannot hold `<`
  /// on a card (FAT and exFAT forbid it), so the key never meets a placed camera's.
  static func cameraKey(_ place: ImagePlace, relativePath: String) -> String {
    if let deployment = place.deployment { return deployment.deploymentID }
    if place.site != nil || place.camera != nil {
      return [place.site, place.camera].compactMap { $0 }.joined(separator: "/")
    }
    let folders = relativePath.split(separator: "/", omittingEmptySubsequences: true).dropLast()
    return ([Self.unplacedKey] + folders.map(String.init)).joined(separator: "/")
  }

  /// The key of the images with no place at the card's top level.
  static let unplacedKey = "<card>"

  /// Every image's event, in the order the images were added.
  func events() -> CardEvents {
    var byCamera = [[(frame: Frame, index: Int)]](repeating: [], count: cameraKeys.count)
    for (index, frame) in frames.enumerated() {
      if let frame { byCamera[Int(frame.camera)].append((frame, index)) }
    }
    var eventOfImage = [Int32](repeating: -1, count: frames.count)
    var events: [CardEvents.Event] = []
    let gap = EventGap(seconds: Double(gapSeconds))
    for (camera, images) in byCamera.enumerated() {
      // By time; images taken in the same second stay in file order.
      let ordered = images.sorted { ($0.frame.seconds, $0.index) < ($1.frame.seconds, $1.index) }
      var number = 0
      var previous: Int64?
      for (frame, index) in ordered {
        if let previous, gap.continues(from: Double(previous), to: Double(frame.seconds)) {
          events[events.count - 1].end = frame.time
          events[events.count - 1].frames += 1
        } else {
          number += 1
          events.append(
            CardEvents.Event(
              id: "\(cameraKeys[camera])#\(number)", start: frame.time, end: frame.time,
              frames: 1))
        }
        previous = frame.seconds
        eventOfImage[index] = Int32(events.count - 1)
      }
    }
    return CardEvents(
      eventOfImage: eventOfImage, sources: frames.map { $0?.source }, events: events)
  }
}

/// The events of a card, looked up by image (its index in file order).
struct CardEvents {
  struct Event {
    var id: String
    var start: String
    var end: String
    var frames: Int
  }

  fileprivate var eventOfImage: [Int32]
  fileprivate var sources: [CaptureTimeSource?]
  fileprivate var events: [Event]

  /// The number, unique on the card, of the event of the image at `index`; nil for a failed
  /// image.
  func eventNumber(at index: Int) -> Int32? {
    guard index < eventOfImage.count, eventOfImage[index] >= 0 else { return nil }
    return eventOfImage[index]
  }

  /// The event of the image at `index` in file order; nil for a failed image.
  func event(at index: Int) -> ImageEvent? {
    guard index < eventOfImage.count, eventOfImage[index] >= 0, let source = sources[index]
    else { return nil }
    let event = events[Int(eventOfImage[index])]
    return ImageEvent(
      id: event.id, start: event.start, end: event.end, frames: event.frames, timeSource: source)
  }
}
