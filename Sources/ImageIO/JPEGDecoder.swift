import CImageShims

/// JPEG decoding through libjpeg(-turbo), with DCT scaling, via the CImageShims C functions.
///
/// Output: accurate integer IDCT, fancy upsampling (libjpeg's defaults); grayscale expanded to
/// RGB; CMYK/YCCK converted with R = (255-C)(255-K)/255 etc., treating the samples as
/// inverted when an Adobe marker is present (as Photoshop and libjpeg write them).
///
/// libjpeg's corrupt-data warnings fail the decode (a premature end as `.truncated`, the rest
/// as `.corrupt`) instead of yielding grey or smeared pixels. Tolerated: warnings about
/// metadata only (unknown JFIF revision, unknown Adobe transform, bad ICC marker) and stray
/// bytes immediately before the EOI marker, which some cameras write after complete image
/// data. Progressive files with more than 1000 scans are refused as corrupt.
enum JPEGDecoder {
  static func decode(
    _ data: [UInt8], path: String, options: DecodeOptions
  ) throws(ImageDecodeError) -> DecodedImage {
    let metadata = JPEGSegments.exifPayload(data).map(ExifParser.parse) ?? ImageMetadata()
    let result = data.withUnsafeBufferPointer { bytes in
      decodePixels(bytes, path: path, options: options, orientation: metadata.orientation)
    }
    let (stored, fullWidth, fullHeight) = try result.get()
    return DecodedImage(
      image: stored.applying(metadata.orientation), fullWidth: fullWidth,
      fullHeight: fullHeight, metadata: metadata, format: .jpeg)
  }

  /// The stored (not yet oriented) pixels and the upright full-resolution size.
  private static func decodePixels(
    _ bytes: UnsafeBufferPointer<UInt8>, path: String, options: DecodeOptions,
    orientation: ExifOrientation
  ) -> Result<(RGBImage, Int, Int), ImageDecodeError> {
    var message = ShimMessage()
    var handle: OpaquePointer?
    var header = lookout_jpeg_header()
    let opened = message.call {
      lookout_jpeg_open(bytes.baseAddress, bytes.count, &handle, &header, $0, $1)
    }
    guard opened == LOOKOUT_STATUS_OK, let handle else {
      return .failure(message.error(for: opened, path: path))
    }
    defer { lookout_jpeg_close(handle) }

    if header.color == LOOKOUT_JPEG_OTHER {
      return .failure(
        .unsupported(path: path, reason: "\(header.components)-component JPEG colour space"))
    }
    let (fullWidth, fullHeight) = orientation.displaySize(
      width: Int(header.width), height: Int(header.height))
    if fullWidth * fullHeight > options.maxPixels {
      return .failure(
        .tooLarge(path: path, width: fullWidth, height: fullHeight, limit: options.maxPixels))
    }

    // Smallest M/8 whose long side still reaches the target (orientation never changes the
    // long side); full size when even 8/8 does not.
    var scale = 8
    var size = (width: UInt32(header.width), height: UInt32(header.height))
    if let minimumLongSide = options.minimumLongSide {
      let target = max(1, minimumLongSide)
      for candidate in 1...8 {
        var width: UInt32 = 0
        var height: UInt32 = 0
        let status = message.call {
          lookout_jpeg_output_size(handle, Int32(candidate), &width, &height, $0, $1)
        }
        guard status == LOOKOUT_STATUS_OK else {
          return .failure(message.error(for: status, path: path))
        }
        if max(Int(width), Int(height)) >= target || candidate == 8 {
          scale = candidate
          size = (width, height)
          break
        }
      }
    }

    let width = Int(size.width)
    let height = Int(size.height)
    let byteCount = width * height * 3
    var status = LOOKOUT_STATUS_OK
    let pixels = [UInt8](unsafeUninitializedCapacity: byteCount) { buffer, initialized in
      status = message.call {
        lookout_jpeg_decode(handle, Int32(scale), buffer.baseAddress, byteCount, $0, $1)
      }
      initialized = status == LOOKOUT_STATUS_OK ? byteCount : 0
    }
    guard status == LOOKOUT_STATUS_OK else {
      return .failure(message.error(for: status, path: path))
    }
    return .success((RGBImage(width: width, height: height, pixels: pixels), fullWidth, fullHeight))
  }
}
