import Detector
import Foundation
import ImageIO
import LookoutSystem
import SystemPackage
import VideoIO

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Settings for turning one image file into an `ImageOutcome`.
public struct ImageScanSettings: Sendable {
  public var detection: DetectionOptions
  public var tile: TileMode
  public var maxPixels: Int
  /// Largest file read into memory; bigger files fail (`too_large`) without being read.
  public var maxFileBytes: Int64
  /// The smallest long side JPEGs are DCT-scaled to before resizing into the network input; nil
  /// (the default) means the input size, so the network never gets an upsampled image. Smaller
  /// values decode faster (500 puts a 4000x3000 photo at 1/8 instead of 2/8) at the cost of
  /// detail; not offered on the command line, measured by `lookout-bench evaluate`.
  public var decodeLongSide: Int? = nil
  /// How video clips are sampled (`--video-fps`) and capped; nil leaves clips unscanned (listed
  /// as skipped). The frames' long side is always the network's input side.
  public var video: VideoSampling? = VideoSampling()

  public init(
    detection: DetectionOptions = DetectionOptions(), tile: TileMode = .auto,
    maxPixels: Int = 100_000_000, maxFileBytes: Int64 = 512 << 20
  ) {
    self.detection = detection
    self.tile = tile
    self.maxPixels = maxPixels
    self.maxFileBytes = maxFileBytes
  }
}

/// Reads, decodes and runs the detector on one image at a time. One per worker: it owns an
/// `InferenceSession`, whose buffers are reused from image to image.
public final class ImageScanner {
  let session: InferenceSession
  let settings: ImageScanSettings
  private let calls: any ImageReadCalls

  /// - Parameter calls: the system calls files are read with (a fake in tests).
  public init(
    model: DetectorModel, settings: ImageScanSettings,
    calls: any ImageReadCalls = SystemReadCalls()
  ) {
    session = InferenceSession(model: model)
    self.settings = settings
    self.calls = calls
  }

  /// Never throws: every problem with the file becomes a failure in the outcome.
  public func scan(_ file: CardFile) -> ImageOutcome {
    if let sampling = settings.video, VideoScan.isVideoName(file.relativePath) {
      return scanVideo(file, sampling: sampling)
    }
    var outcome = ImageOutcome(
      file: file.relativePath, size: file.size, modifiedNanoseconds: file.modifiedNanoseconds)
    do {
      let (bytes, size, modified) = try readFile(file)
      outcome.size = size
      outcome.modifiedNanoseconds = modified
      let inputSide = settings.detection.inputLongSide
      var decoded = try ImageDecoder.decode(
        data: bytes, path: file.relativePath,
        options: DecodeOptions(
          minimumLongSide: settings.decodeLongSide ?? inputSide, maxPixels: settings.maxPixels))
      record(decoded, into: &outcome)
      var detections = detect(decoded.image)
      let fullLongSide = max(decoded.fullWidth, decoded.fullHeight)
      if let tile = settings.tile.tileSize(
        make: decoded.metadata.make, fullLongSide: fullLongSide, inputLongSide: inputSide)
      {
        decoded = try ImageDecoder.decode(
          data: bytes, path: file.relativePath,
          options: DecodeOptions(minimumLongSide: nil, maxPixels: settings.maxPixels))
        let (tiled, count) = detectTiled(decoded.image, tile: tile)
        detections = nonMaximumSuppression(
          detections + tiled, iouThreshold: settings.detection.iouThreshold,
          crossClassIoUThreshold: settings.detection.crossClassIoUThreshold,
          maxDetections: settings.detection.maxDetections)
        outcome.tiles = count
      }
      outcome.detections = detections.map {
        StoredDetection(
          classIndex: $0.detectionClass.index, confidence: $0.confidence,
          box: [$0.box.x, $0.box.y, $0.box.width, $0.box.height])
      }
    } catch {
      outcome.detections = nil
      outcome.failureCode = error.reasonCode
      outcome.failureReason = error.description
    }
    return outcome
  }

  private func record(_ decoded: DecodedImage, into outcome: inout ImageOutcome) {
    outcome.width = decoded.fullWidth
    outcome.height = decoded.fullHeight
    let meta = decoded.metadata
    outcome.capturedLocal = meta.dateTimeOriginal
    outcome.capturedOffset = meta.dateTimeOriginal == nil ? nil : meta.offsetTimeOriginal
    outcome.latitude = meta.gps?.latitude
    outcome.longitude = meta.gps?.longitude
    outcome.altitude = meta.gps?.altitude
    outcome.make = meta.make
    outcome.model = meta.model
    outcome.cameraID = meta.cameraID
  }

  func detect(_ image: RGBImage) -> [Detection] {
    image.pixels.withUnsafeBufferPointer {
      session.detect(
        rgb: $0, width: image.width, height: image.height, options: settings.detection)
    }
  }

  /// Infers overlapping native-resolution tiles and maps their boxes back to the whole image.
  private func detectTiled(_ image: RGBImage, tile: Int) -> ([Detection], Int) {
    let overlap = tile / 5
    let xs = tileOrigins(length: image.width, tile: tile, overlap: overlap)
    let ys = tileOrigins(length: image.height, tile: tile, overlap: overlap)
    var options = settings.detection
    options.inputLongSide = tile
    options.usesCoarsePass = false
    var all: [Detection] = []
    let width = Float(image.width)
    let height = Float(image.height)
    for y0 in ys {
      for x0 in xs {
        let crop = image.cropped(x: x0, y: y0, width: tile, height: tile)
        let found = crop.pixels.withUnsafeBufferPointer {
          session.detect(rgb: $0, width: crop.width, height: crop.height, options: options)
        }
        let cw = Float(crop.width)
        let ch = Float(crop.height)
        for var detection in found {
          let box = detection.box
          detection.box = NormalizedBox(
            x: (Float(x0) + box.x * cw) / width, y: (Float(y0) + box.y * ch) / height,
            width: box.width * cw / width, height: box.height * ch / height)
          all.append(detection)
        }
      }
    }
    return (all, xs.count * ys.count)
  }

  /// The file's bytes and the size and modification time they were read at.
  ///
  /// Never blocks: the file is opened with `O_NONBLOCK`, so a FIFO that replaced an image after
  /// the walk fails as "not a regular file" instead of hanging the lane. A file that changes
  /// while it is read (its size or modification time differs before and after) fails as
  /// unreadable, since the bytes may mix two versions; a file that shrank or was replaced
  /// between the walk and the read is decoded as it is now, and the outcome records what was
  /// read, so a later `--resume` compares against the right version.
  func readFile(_ file: CardFile) throws(ImageDecodeError) -> (
    bytes: [UInt8], size: Int64, modified: Int64
  ) {
    let calls = self.calls
    let fd = calls.open(file.path, flags: O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else { throw .system(path: file.relativePath, code: errno) }
    let descriptor = FileDescriptor(rawValue: fd)
    defer { descriptor.closeIgnoringFailure() }
    let info: FileStatus
    do {
      info = try descriptor.status()
    } catch {
      throw .system(path: file.relativePath, code: error.rawValue)
    }
    switch info.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFDIR: throw .unreadable(path: file.relativePath, reason: "is a directory")
    case S_IFIFO: throw .unreadable(path: file.relativePath, reason: "not a regular file (a FIFO)")
    default: throw .unreadable(path: file.relativePath, reason: "not a regular file")
    }
    let size = Int64(info.st_size)
    let modified = info.modificationNanoseconds
    guard size <= settings.maxFileBytes else {
      throw .fileTooLarge(path: file.relativePath, bytes: size, limit: settings.maxFileBytes)
    }
    // Filled straight from read(2): zeroing a 4 MB buffer first would cost as much as copying it.
    var failure: Int32 = 0
    let bytes = [UInt8](unsafeUninitializedCapacity: Int(size)) { buffer, initialized in
      var filled = 0
      while filled < buffer.count {
        let start = UnsafeMutableRawPointer(buffer.baseAddress! + filled)
        let wanted = buffer.count - filled
        let result = SystemCall.result { calls.read(fd, into: start, count: wanted) }
        guard case .success(let n) = result else {
          if case .failure(let error) = result { failure = error.rawValue }
          break
        }
        if n == 0 { break }  // shrank while reading: caught by the check below
        filled += n
      }
      initialized = filled
    }
    // EIO from a failing card, ESTALE from a share that went away, ...: the scan records the
    // file as read_error and goes on.
    if failure != 0 { throw .system(path: file.relativePath, code: failure) }
    if let after = try? descriptor.status(),
      Int64(after.st_size) != size || after.modificationNanoseconds != modified
    {
      throw .unreadable(
        path: file.relativePath,
        reason: "the file changed while it was read (\(size) bytes, then \(after.st_size))")
    }
    return (bytes, size, modified)
  }
}
