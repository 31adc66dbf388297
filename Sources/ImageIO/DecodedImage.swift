/// A decoded image, upright, with its metadata.
public struct DecodedImage: Sendable, Equatable {
  /// Upright (orientation applied), possibly DCT-downscaled (JPEG only).
  public var image: RGBImage
  /// The displayed (upright) width at full resolution.
  public var fullWidth: Int
  /// The displayed (upright) height at full resolution.
  public var fullHeight: Int
  public var metadata: ImageMetadata
  /// The format sniffed from the bytes.
  public var format: ImageFormat

  public init(
    image: RGBImage, fullWidth: Int, fullHeight: Int, metadata: ImageMetadata,
    format: ImageFormat
  ) {
    self.image = image
    self.fullWidth = fullWidth
    self.fullHeight = fullHeight
    self.metadata = metadata
    self.format = format
  }
}
