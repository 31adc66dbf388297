import CImageShims

/// PNG decoding through libpng via the CImageShims C functions, always at full resolution.
///
/// Output: 16-bit samples scaled to 8 bits with rounding; palette, gray and low bit depths
/// expanded to RGB; alpha (a channel or tRNS) composited over black, out = round(c*a/255);
/// gAMA, sRGB and iCCP ignored; Adam7 interlacing handled. CRC errors in any chunk are
/// `.corrupt`; data that stops before IEND is `.truncated`.
enum PNGDecoder {
  static func decode(
    _ data: [UInt8], path: String, options: DecodeOptions
  ) throws(ImageDecodeError) -> DecodedImage {
    let metadata = PNGChunks.exifPayload(data).map(ExifParser.parse) ?? ImageMetadata()
    let result = data.withUnsafeBufferPointer { bytes in
      decodePixels(bytes, path: path, options: options, orientation: metadata.orientation)
    }
    let stored = try result.get()
    let upright = stored.applying(metadata.orientation)
    return DecodedImage(
      image: upright, fullWidth: upright.width, fullHeight: upright.height, metadata: metadata,
      format: .png)
  }

  private static func decodePixels(
    _ bytes: UnsafeBufferPointer<UInt8>, path: String, options: DecodeOptions,
    orientation: ExifOrientation
  ) -> Result<RGBImage, ImageDecodeError> {
    var message = ShimMessage()
    var handle: OpaquePointer?
    var header = lookout_png_header()
    let opened = message.call {
      lookout_png_open(bytes.baseAddress, bytes.count, &handle, &header, $0, $1)
    }
    guard opened == LOOKOUT_STATUS_OK, let handle else {
      return .failure(message.error(for: opened, path: path))
    }
    defer { lookout_png_close(handle) }

    let width = Int(header.width)
    let height = Int(header.height)
    if width * height > options.maxPixels {
      let (uprightWidth, uprightHeight) = orientation.displaySize(width: width, height: height)
      return .failure(
        .tooLarge(
          path: path, width: uprightWidth, height: uprightHeight, limit: options.maxPixels))
    }
    // libpng writes RGBA when there is alpha; the shim compacts it to RGB in place.
    let capacity = width * height * (header.has_alpha != 0 ? 4 : 3)
    let byteCount = width * height * 3
    var status = LOOKOUT_STATUS_OK
    let pixels = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
      status = message.call { lookout_png_decode(handle, buffer.baseAddress, capacity, $0, $1) }
      initialized = status == LOOKOUT_STATUS_OK ? byteCount : 0
    }
    guard status == LOOKOUT_STATUS_OK else {
      return .failure(message.error(for: status, path: path))
    }
    return .success(RGBImage(width: width, height: height, pixels: pixels))
  }
}
