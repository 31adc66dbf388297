/// Writes a MegaDetector 1.6 results file piece by piece, for cards too large to hold as one
/// array of images: ``header(info:)`` once, ``image(_:)`` for each image in written order
/// (``ImageRecord/writtenBefore(_:_:)``), then ``footer()``. The concatenated pieces are exactly
/// the bytes ``MegaDetectorOutput/encode(images:info:)`` writes for the same images.
public struct MegaDetectorStreamEncoder: Sendable {
  private let writer = JSONWriter.megaDetector
  private var count = 0
  private var lastFile: String?

  public init() {}

  /// Images written so far.
  public var imageCount: Int { count }

  /// Everything before the first image: `info`, `detection_categories` and the `images` key.
  public func header(info: RunInfo) -> [UInt8] {
    var out: [UInt8] = [UInt8(ascii: "{")]
    writer.appendMember(
      key: "info", value: MegaDetectorOutput.infoValue(info), first: true, level: 0, into: &out)
    writer.appendMember(
      key: "detection_categories",
      value: .object(MegaDetectorOutput.detectionCategories.map { (String($0.id), .string($0.name)) }),
      first: false, level: 0, into: &out)
    writer.appendKey("images", first: false, level: 0, into: &out)
    return out
  }

  /// One image, rounded and with its detections sorted as the format writes them. Images must
  /// come in written order; an image out of order is a programming error.
  public mutating func image(_ image: ImageRecord) -> [UInt8] {
    if let lastFile {
      precondition(
        !image.file.utf8.lexicographicallyPrecedes(lastFile.utf8),
        "images must be streamed sorted by file")
    }
    lastFile = image.file
    var out: [UInt8] = []
    if count == 0 { out.append(UInt8(ascii: "[")) }
    writer.appendElement(
      MegaDetectorOutput.imageValue(MegaDetectorOutput.normalized(image)), first: count == 0,
      level: 1, into: &out)
    count += 1
    return out
  }

  /// Closes the `images` array and the document.
  public func footer() -> [UInt8] {
    var out: [UInt8] = []
    if count == 0 {
      out.append(contentsOf: "[]".utf8)
    } else {
      writer.appendClosing(UInt8(ascii: "]"), level: 1, into: &out)
    }
    writer.appendClosing(UInt8(ascii: "}"), level: 0, into: &out)
    return out
  }
}
