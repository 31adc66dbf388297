import CImageShims

/// Encodes an image as a baseline JPEG with libjpeg-turbo (`jpeg_write_scanlines` behind the C
/// shim): YCbCr without chroma subsampling, the standard tables scaled for the quality, a JFIF
/// header and no other metadata, so nothing of an original's EXIF (such as GPS) is carried over.
///
/// The one JPEG encoder of Lookout: redacted copies are written through it, and tests make their
/// JPEG inputs with it.
///
/// ```swift
/// let bytes = try JPEGEncoder.encode(image, quality: 90)
/// ```
public enum JPEGEncoder {
  /// The JPEG bytes of `image` at `quality` 1...100 (libjpeg's scaling of the standard tables).
  ///
  /// The image must be 1...65535 pixels wide and high (JPEG's limit); a quality outside 1...100
  /// is clamped. Throws ``JPEGEncodeError`` when libjpeg fails (in practice only for lack of
  /// memory).
  public static func encode(_ image: RGBImage, quality: Int = 90) throws(JPEGEncodeError)
    -> [UInt8]
  {
    guard (1...65_535).contains(image.width), (1...65_535).contains(image.height) else {
      throw JPEGEncodeError(
        reason: "cannot encode a \(image.width)x\(image.height) image: JPEG needs 1...65535 pixels a side")
    }
    var message = ShimMessage()
    var encoded: UnsafeMutablePointer<UInt8>?
    var size = 0
    let status = image.pixels.withUnsafeBufferPointer { pixels in
      message.call { text, capacity in
        lookout_jpeg_encode(
          pixels.baseAddress, UInt32(image.width), UInt32(image.height),
          Int32(min(max(quality, 1), 100)), &encoded, &size, text, capacity)
      }
    }
    defer { lookout_jpeg_free_encoded(encoded) }
    guard status == LOOKOUT_STATUS_OK, let encoded else {
      throw JPEGEncodeError(reason: message.text.isEmpty ? "unknown error" : message.text)
    }
    return Array(UnsafeBufferPointer(start: encoded, count: size))
  }
}

/// Why libjpeg could not encode an image.
public struct JPEGEncodeError: Error, Sendable, Equatable, CustomStringConvertible {
  /// libjpeg's message, or what was wrong with the image.
  public var reason: String

  public init(reason: String) {
    self.reason = reason
  }

  public var description: String { "cannot encode JPEG: \(reason)" }
}
