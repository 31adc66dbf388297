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
/// Images are added in file order, one outcome at a time; only a 24-byte record per image is
/// kept (its camera, its time in seconds, and where its time's text lies in one shared byte
/// buffer), never the outcomes, and events are kept as numbers, not strings, so a card's events
/// take about 30 bytes per image (an EXIF time's text included; a file time's text is made again
/// from its seconds).
struct EventGrouper {
  /// One image's place in time; `camera` is -1 for an image that failed.
  fileprivate struct Frame {
    var seconds: Int64
    var camera: Int32
    /// Where its EXIF time's text starts in `texts`; a file time has none.
    var textStart: UInt32
    var textCount: UInt16
    var isExif: Bool
  }

  /// The gap in seconds above which a camera's next image starts a new event.
  let gapSeconds: Int
  private let locator: ImageLocator
  private var cameraNumbers: [String: Int32] = [:]
  private var cameraKeys: [String] = []
  /// Per image in file order.
  private var frames: [Frame] = []
  /// The EXIF times' texts, one after another.
  private var texts: [UInt8] = []

  init(gapSeconds: Int, locator: ImageLocator) {
    self.gapSeconds = gapSeconds
    self.locator = locator
  }

  /// Adds the next image in file order; returns its camera's number (see ``cameraKey(of:)``)
  /// and its place, or nil for a failed image.
  @discardableResult
  mutating func add(_ outcome: ImageOutcome) -> (camera: Int32, place: ImagePlace)? {
    guard outcome.detections != nil else {
      frames.append(Frame(seconds: 0, camera: -1, textStart: 0, textCount: 0, isExif: false))
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
      let time = LocalDateTime(text), text.utf8.count <= Int(UInt16.max),
      texts.count + text.utf8.count <= Int(UInt32.max)
    {
      frames.append(
        Frame(
          seconds: time.epochSeconds ?? time.localSeconds, camera: camera,
          textStart: UInt32(texts.count), textCount: UInt16(text.utf8.count), isExif: true))
      texts.append(contentsOf: text.utf8)
    } else {
      let seconds = outcome.modifiedNanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        .quotient
      frames.append(
        Frame(seconds: seconds, camera: camera, textStart: 0, textCount: 0, isExif: false))
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

  /// Every image's event, in the order the images were added. The result shares the grouper's
  /// records (copy on write), and looks each event's times up in them.
  func events() -> CardEvents {
    var byCamera = [[Int32]](repeating: [], count: cameraKeys.count)
    for (index, frame) in frames.enumerated() where frame.camera >= 0 {
      byCamera[Int(frame.camera)].append(Int32(index))
    }
    var eventOfImage = [Int32](repeating: -1, count: frames.count)
    var events: [CardEvents.Event] = []
    let gap = EventGap(seconds: Double(gapSeconds))
    let frames = self.frames
    for camera in byCamera.indices {
      // By time; images taken in the same second stay in file order.
      let ordered = byCamera[camera].sorted {
        (frames[Int($0)].seconds, $0) < (frames[Int($1)].seconds, $1)
      }
      byCamera[camera] = []
      var number: Int32 = 0
      var previous: Int64?
      for index in ordered {
        let seconds = frames[Int(index)].seconds
        if let previous, gap.continues(from: Double(previous), to: Double(seconds)) {
          events[events.count - 1].last = index
          events[events.count - 1].frames += 1
          events[events.count - 1].lastInFileOrder = max(
            events[events.count - 1].lastInFileOrder, index)
        } else {
          number += 1
          events.append(
            CardEvents.Event(
              camera: Int32(camera), number: number, first: index, last: index, frames: 1,
              lastInFileOrder: index))
        }
        previous = seconds
        eventOfImage[Int(index)] = Int32(events.count - 1)
      }
    }
    return CardEvents(
      eventOfImage: eventOfImage, events: events, frames: frames, texts: texts,
      cameraKeys: cameraKeys)
  }
}

/// The events of a card, looked up by image (its index in file order).
struct CardEvents {
  /// An event: its camera, its number there (from 1, by time), its first and last images
  /// (by time), how many it has, and the last of them in file order.
  fileprivate struct Event {
    var camera: Int32
    var number: Int32
    var first: Int32
    var last: Int32
    var frames: Int32
    var lastInFileOrder: Int32
  }

  fileprivate var eventOfImage: [Int32]
  fileprivate var events: [Event]
  fileprivate var frames: [EventGrouper.Frame]
  fileprivate var texts: [UInt8]
  /// The cameras' keys, by their number.
  private(set) var cameraKeys: [String]

  /// The number, unique on the card, of the event of the image at `index`; nil for a failed
  /// image.
  func eventNumber(at index: Int) -> Int32? {
    guard index < eventOfImage.count, eventOfImage[index] >= 0 else { return nil }
    return eventOfImage[index]
  }

  /// The index (file order) of the last image of the event of the image at `index`: once the
  /// images up to it are written, the event has all its frames. `index` itself for a failed
  /// image.
  func lastImageOfEvent(at index: Int) -> Int {
    guard let number = eventNumber(at: index) else { return index }
    return Int(events[Int(number)].lastInFileOrder)
  }

  /// The event of the image at `index` in file order; nil for a failed image.
  func event(at index: Int) -> ImageEvent? {
    guard let number = eventNumber(at: index) else { return nil }
    let event = events[Int(number)]
    return ImageEvent(
      id: "\(cameraKeys[Int(event.camera)])#\(event.number)", start: timeText(of: event.first),
      end: timeText(of: event.last), frames: Int(event.frames),
      timeSource: frames[index].isExif ? .exif : .file)
  }

  /// The capture time of the image at `index` as its outputs write it.
  private func timeText(of index: Int32) -> String {
    let frame = frames[Int(index)]
    guard frame.isExif else {
      return Timestamp.iso8601UTC(Date(timeIntervalSince1970: Double(frame.seconds)))
    }
    let start = Int(frame.textStart)
    return String(decoding: texts[start..<start + Int(frame.textCount)], as: UTF8.self)
  }
}
