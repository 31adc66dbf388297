import Detector
import Foundation
import ImageIO
import LookoutCore
import LookoutSystem
import VideoIO

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How a clip becomes one outcome: its sampled frames run through the detector, and for each
/// class the frame where that class scored highest is kept, with its detections of the class.
enum VideoScan {
  /// Whether a card file is a video clip (by extension, as ``SkippedFile/Kind`` tells).
  static func isVideoName(_ relativePath: String) -> Bool {
    SkippedFile.Kind(fileName: relativePath) == .video
  }

  /// The detections of the best frame per class, each marked with its frame: for every class,
  /// the first frame whose most confident detection of that class is the highest of the clip.
  static func bestFramePerClass(_ frames: [(frameNumber: Int, detections: [StoredDetection])])
    -> [StoredDetection]
  {
    var best: [Int: (score: Float, frame: Int, detections: [StoredDetection])] = [:]
    for frame in frames {
      var byClass: [Int: [StoredDetection]] = [:]
      for detection in frame.detections { byClass[detection.classIndex, default: []].append(detection) }
      for (classIndex, detections) in byClass {
        let score = detections.map(\.confidence).max() ?? 0
        if let current = best[classIndex], current.score >= score { continue }
        best[classIndex] = (score, frame.frameNumber, detections)
      }
    }
    return best.keys.sorted().flatMap { classIndex in
      best[classIndex]!.detections.map {
        StoredDetection(
          classIndex: $0.classIndex, confidence: $0.confidence, box: $0.box,
          frameNumber: best[classIndex]!.frame)
      }
    }
  }

  /// `2024-05-01T06:12:09` and `+00:00` from a container's `creation_time`
  /// (`2024-05-01T06:12:09.000000Z`, UTC by the QuickTime and Matroska conventions); nil when it
  /// is not a date and time.
  static func captureTime(creationTime text: String) -> (local: String, offset: String)? {
    dateTime(text).map { ($0.local, "+00:00") }
  }

  /// `2024-05-01T08:12:09` and `+02:00` from a phone's `com.apple.quicktime.creationdate`
  /// (`2024-05-01T08:12:09+0200`, fractions of a second allowed): the local time the phone
  /// showed and its offset; nil when it is not a date and time with an offset.
  static func captureTime(localCreationTime text: String) -> (local: String, offset: String)? {
    guard let (local, rest) = dateTime(text) else { return nil }
    var tail = Substring(rest)
    if tail.first == "." { tail = tail.dropFirst().drop { $0.isNumber } }
    guard let minutes = Timestamp.offsetMinutes(String(tail)) else { return nil }
    return (local, minutes == 0 ? "+00:00" : Timestamp.offsetText(minutes: minutes))
  }

  /// The `YYYY-MM-DDTHH:MM:SS` a container's date starts with (a space allowed for the `T`), and
  /// what follows it; nil when it does not start so, or the year is 1970 or before.
  private static func dateTime(_ text: String) -> (local: String, rest: String)? {
    let bytes = Array(text.utf8)
    guard bytes.count >= 19 else { return nil }
    let digits = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
    guard digits.allSatisfy({ bytes[$0] >= 48 && bytes[$0] <= 57 }),
      bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
      bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
      bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
    else { return nil }
    // Cameras without a clock write 1904-01-01 or 1970-01-01: no capture time at all.
    let year = Int(String(decoding: bytes[0..<4], as: UTF8.self)) ?? 0
    guard year > 1970 else { return nil }
    var local = bytes[0..<19]
    local[10] = UInt8(ascii: "T")
    return (String(decoding: local, as: UTF8.self), String(decoding: bytes[19...], as: UTF8.self))
  }

  /// `2024-05-01T06:12:09` from a file time in nanoseconds since 1970, read as UTC: a camera
  /// writes its local time into the card's FAT times, which Linux reads as UTC by default.
  static func fileTime(nanoseconds: Int64) -> String? {
    guard nanoseconds > 0 else { return nil }
    var seconds = time_t(nanoseconds / 1_000_000_000)
    var parts = tm()
    guard gmtime_r(&seconds, &parts) != nil else { return nil }
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
      + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
  }
}

extension ImageScanner {
  /// One clip: never throws, every problem becomes the outcome's failure.
  func scanVideo(_ file: CardFile, sampling: VideoSampling) -> ImageOutcome {
    var outcome = ImageOutcome(
      file: file.relativePath, size: file.size, modifiedNanoseconds: file.modifiedNanoseconds)
    do {
      let info: FileStatus
      do {
        info = try PathCall.status(bytes: file.path)
      } catch {
        throw ImageDecodeError.system(path: file.relativePath, code: error.rawValue)
      }
      guard info.st_mode & S_IFMT == S_IFREG else {
        throw ImageDecodeError.unreadable(path: file.relativePath, reason: "not a regular file")
      }
      outcome.size = Int64(info.st_size)
      outcome.modifiedNanoseconds = info.modificationNanoseconds
      guard info.st_size > 0 else { throw VideoDecodeError.empty(path: file.relativePath) }
      var sampling = sampling
      sampling.outputLongSide = settings.detection.inputLongSide
      let clip = try VideoClip(path: file.path, displayPath: file.relativePath, sampling: sampling)
      // The size as displayed, as for photos (whose EXIF orientation is applied): the boxes
      // are in the upright frame.
      (outcome.width, outcome.height) = clip.info.displaySize
      // A phone's own local time and offset first, then the container's UTC time.
      let phoneTime = clip.info.localCreationTime.flatMap(VideoScan.captureTime(localCreationTime:))
      if let created = phoneTime
        ?? clip.info.creationTime.flatMap(VideoScan.captureTime(creationTime:))
      {
        outcome.capturedLocal = created.local
        outcome.capturedOffset = created.offset
      } else {
        outcome.capturedLocal = VideoScan.fileTime(nanoseconds: outcome.modifiedNanoseconds)
      }
      var frames: [(frameNumber: Int, detections: [StoredDetection])] = []
      while let frame = try clip.nextFrame() {
        let found = detect(frame.image).map {
          StoredDetection(
            classIndex: $0.detectionClass.index, confidence: $0.confidence,
            box: [$0.box.x, $0.box.y, $0.box.width, $0.box.height])
        }
        frames.append((frame.frameNumber, found))
      }
      outcome.frameRate = clip.info.frameRate > 0 ? clip.info.frameRate : 1
      outcome.framesProcessed = frames.map(\.frameNumber)
      outcome.detections = VideoScan.bestFramePerClass(frames)
    } catch let error as VideoDecodeError {
      outcome.detections = nil
      outcome.failureCode = error.reasonCode
      outcome.failureReason = error.description
    } catch let error as ImageDecodeError {
      outcome.detections = nil
      outcome.failureCode = error.reasonCode
      outcome.failureReason = error.description
    } catch {
      outcome.detections = nil
      outcome.failureCode = "unreadable"
      outcome.failureReason = "\(file.relativePath): \(error)"
    }
    return outcome
  }
}
