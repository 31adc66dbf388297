import Formats
import Foundation
import ImageIO
import LookoutCore
import LookoutSystem
import Research

/// What `lookout export redacted` (and `export camtrap-dp --redact`) does: copies of a run's
/// images with the boxes of chosen classes hidden, for sharing.
///
/// Each image with a detection of a chosen class at or above ``minimumConfidence`` (default:
/// the class's threshold in force) is decoded, upright, the boxes are hidden
/// (``BoxRedactor``), and it is written as a JPEG (``ImageIO/JPEGEncoder``: libjpeg-turbo, no
/// EXIF) at ``outputName(for:)`` under ``outputFolder``. Other images are copied when ``copyUnchanged``
/// is set: without their metadata (``MetadataStripper``: EXIF with its GPS position, XMP,
/// comments), or byte for byte with ``keepMetadata``. Images that cannot be decoded (or whose
/// metadata cannot be removed) are listed, not fatal. Image paths come from the detections file
/// and are refused when they could lead outside the folders (`ContainedPath`).
public struct RedactJob: Sendable {
  public var detections: String
  public var imagesFolder: String
  public var outputFolder: String
  public var classes: Set<DetectionClass>
  public var style: BoxRedactor.Style
  public var thresholdOverrides: [String: Double]
  public var configPath: String?
  /// Hide detections at or above this; nil for each class's threshold in force.
  public var minimumConfidence: Double?
  public var quality: Int
  public var copyUnchanged: Bool
  /// Copy unchanged images byte for byte, EXIF (GPS position included) and all.
  public var keepMetadata: Bool

  public init(
    detections: String, imagesFolder: String, outputFolder: String,
    classes: Set<DetectionClass> = [.person, .vehicle], style: BoxRedactor.Style = .block,
    thresholdOverrides: [String: Double] = [:], configPath: String? = nil,
    minimumConfidence: Double? = nil, quality: Int = 90, copyUnchanged: Bool = true,
    keepMetadata: Bool = false
  ) {
    self.detections = detections
    self.imagesFolder = imagesFolder
    self.outputFolder = outputFolder
    self.classes = classes
    self.style = style
    self.thresholdOverrides = thresholdOverrides
    self.configPath = configPath
    self.minimumConfidence = minimumConfidence
    self.quality = quality
    self.copyUnchanged = copyUnchanged
    self.keepMetadata = keepMetadata
  }

  public struct Summary: Sendable, Equatable {
    /// Relative paths (under the output folder) of the redacted copies, by original path.
    public var redacted: [String: String] = [:]
    public var copied = 0
    /// Images that could not be read, with the reason.
    public var unreadable: [String: String] = [:]
  }

  /// The copy's path relative to the output folder: the same path for `.jpg`/`.jpeg`, with
  /// `.jpg` added otherwise (a redacted copy is always a JPEG).
  public static func outputName(for file: String) -> String {
    let lower = file.lowercased()
    return lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") ? file : file + ".jpg"
  }

  /// Parses `people,vehicles` (also `person`, `vehicle`, `animals`).
  public static func classes(parsing text: String) -> Set<DetectionClass>? {
    var out: Set<DetectionClass> = []
    for part in text.split(separator: ",") {
      switch part.trimmingCharacters(in: .whitespaces).lowercased() {
      case "people", "person", "persons", "humans", "human": out.insert(.person)
      case "vehicles", "vehicle": out.insert(.vehicle)
      case "animals", "animal": out.insert(.animal)
      default: return nil
      }
    }
    return out.isEmpty ? nil : out
  }

  @discardableResult
  public func run() throws(ResearchError) -> Summary {
    let detectionsFile = DetectionsLocation.file(detections)
    let run = try DetectionRun.read(path: detectionsFile)
    var config: ClassThresholds?
    if let configPath {
      do {
        config = try LookoutConfig.read(path: configPath).thresholds(path: configPath)
      } catch {
        throw .config(error)
      }
    }
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: imagesFolder, isDirectory: &isFolder),
      isFolder.boolValue
    else {
      throw .input(path: imagesFolder, reason: "the images folder is missing or not a folder")
    }
    let thresholds = ClassThresholds.resolve(
      overrides: thresholdOverrides, config: config, recorded: run.recordedThresholds)
    var summary = Summary()
    for image in run.results.images where image.detections != nil {
      let site = ImageOrigin(relativePath: image.file).site
      let boxes = run.detections(of: image).filter { d in
        classes.contains(d.detectionClass)
          && d.confidence >= (minimumConfidence ?? thresholds.threshold(d.detectionClass, site: site))
      }.map(\.bbox)
      let source = imagesFolder + "/" + image.file
      if boxes.isEmpty {
        guard copyUnchanged else { continue }
        let target = outputFolder + "/" + image.file
        try makeFolder(for: target)
        var bytes: [UInt8]
        do {
          bytes = try FileReader.read(source)
        } catch {
          summary.unreadable[image.file] = error.reason
          continue
        }
        if !keepMetadata {
          do {
            bytes = try MetadataStripper.stripped(bytes)
          } catch {
            summary.unreadable[image.file] =
              "\(error.reason); not copied (--keep-metadata copies it as it is)"
            continue
          }
        }
        do {
          try AtomicFileWriter.write(bytes, to: target)
        } catch {
          throw .outputFile(path: target, cause: error)
        }
        summary.copied += 1
        continue
      }
      let decoded: DecodedImage
      do {
        decoded = try ImageDecoder.decode(fileAt: source)
      } catch {
        summary.unreadable[image.file] = error.description
        continue
      }
      let hidden = BoxRedactor.redact(decoded.image, boxes: boxes, style: style)
      let name = RedactJob.outputName(for: image.file)
      let target = outputFolder + "/" + name
      try makeFolder(for: target)
      let jpeg: [UInt8]
      do {
        jpeg = try JPEGEncoder.encode(hidden, quality: quality)
      } catch {
        throw .output(path: target, reason: error.description)
      }
      do {
        try AtomicFileWriter.write(jpeg, to: target)
      } catch {
        throw .outputFile(path: target, cause: error)
      }
      summary.redacted[image.file] = name
    }
    return summary
  }

  private func makeFolder(for file: String) throws(ResearchError) {
    let folder = (file as NSString).deletingLastPathComponent
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw .output(path: folder, reason: "cannot create the folder")
    }
  }
}

/// A scan's output folder or a detections file → the detections file.
enum DetectionsLocation {
  static func file(_ path: String) -> String {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
      return path + "/detections.json"
    }
    return path
  }
}
