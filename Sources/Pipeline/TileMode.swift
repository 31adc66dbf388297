/// When large images are cut into overlapping tiles inferred at native resolution, so that
/// small people (a drone photo's 15-pixel walker) are not shrunk away.
public enum TileMode: Sendable, Equatable, CustomStringConvertible {
  /// Tile images whose EXIF make names a drone maker and that are over twice the input size.
  case auto
  /// Never tile: every image is inferred whole at the input size.
  case off
  /// Tile every image larger than this many pixels on its long side into tiles of this size.
  case size(Int)

  /// Parses `auto`, `off` or a tile size in pixels (at least 128).
  public init?(parsing text: String) {
    switch text.lowercased() {
    case "auto": self = .auto
    case "off", "none": self = .off
    default:
      guard let value = Int(text), value >= 128 else { return nil }
      self = .size(value)
    }
  }

  public var description: String {
    switch self {
    case .auto: return "auto"
    case .off: return "off"
    case .size(let size): return String(size)
    }
  }

  /// Camera makers whose images are aerial (compared case-insensitively with EXIF Make).
  static let droneMakers = ["dji", "parrot", "autel", "skydio", "yuneec", "sensefly", "wingtra"]

  /// The tile size to use for an image, or nil to infer it whole.
  func tileSize(make: String?, fullLongSide: Int, inputLongSide: Int) -> Int? {
    switch self {
    case .off:
      return nil
    case .size(let size):
      return fullLongSide > size ? size : nil
    case .auto:
      guard let make = make?.lowercased(),
        Self.droneMakers.contains(where: { make.hasPrefix($0) }),
        fullLongSide > 2 * inputLongSide
      else { return nil }
      return inputLongSide
    }
  }
}

/// Tile origins along one axis: tiles of `tile` pixels overlapping by at least `overlap`,
/// the last one flush with the edge.
func tileOrigins(length: Int, tile: Int, overlap: Int) -> [Int] {
  guard length > tile else { return [0] }
  let step = max(1, tile - overlap)
  let count = Int((Double(length - tile) / Double(step)).rounded(.up)) + 1
  let spacing = Double(length - tile) / Double(count - 1)
  return (0..<count).map { Int((Double($0) * spacing).rounded()) }
}
