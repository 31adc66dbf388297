/// How `ImageDecoder` decodes.
public struct DecodeOptions: Sendable {
  /// Decode at the smallest size whose LONG side (after orientation) is still >= this;
  /// nil = full resolution.
  ///
  /// Only JPEG can be decoded smaller (DCT scaling by M/8, M in 1...8); PNG is always decoded
  /// at full resolution (see `RGBImage.downscaled(toLongSide:)`). Images whose long side is
  /// already below this are decoded at full size, never enlarged. Values below 1 act as 1.
  public var minimumLongSide: Int?
  /// Refuse images with more pixels than this (default 100_000_000).
  public var maxPixels: Int

  public init(minimumLongSide: Int? = nil, maxPixels: Int = 100_000_000) {
    self.minimumLongSide = minimumLongSide
    self.maxPixels = maxPixels
  }
}
