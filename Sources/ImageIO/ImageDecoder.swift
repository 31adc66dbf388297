import LookoutSystem

/// The entry point: bytes or a file in, an upright RGB image and its metadata out.
///
/// Stateless and safe to call from many threads at once (each call owns its libjpeg or
/// libpng state).
public enum ImageDecoder {
  /// Sniffs the format from the bytes (not the extension), decodes, reads EXIF (JPEG APP1;
  /// PNG eXIf chunk if present), applies orientation.
  ///
  /// Reads the whole file first: a missing file, a directory or no permission is `.unreadable`
  /// (with the system's reason), a failure of the storage (EIO, ...) `.readFailed`, a zero-byte
  /// file `.empty`. Then as
  /// `decode(data:path:options:)`.
  public static func decode(
    fileAt path: String, options: DecodeOptions = DecodeOptions()
  ) throws(ImageDecodeError) -> DecodedImage {
    let data = try contents(ofFileAt: path)
    return try decode(data: data, path: path, options: options)
  }

  /// Decodes in-memory bytes; `path` only names the image in errors.
  ///
  /// Guarantees: the result is upright (all 8 EXIF orientations), `fullWidth`/`fullHeight`
  /// are the upright full-resolution size, and a JPEG is DCT-scaled as
  /// `DecodeOptions.minimumLongSide` asks. Errors: `.empty` for no bytes, `.notAnImage` when
  /// the signature is neither JPEG nor PNG, `.truncated` when the data stops early (even
  /// inside the signature), `.tooLarge` when the header's pixel count exceeds
  /// `options.maxPixels` (before pixel memory is allocated), `.corrupt` for any decoder error
  /// or corrupt-data warning, `.unsupported` for valid images this decoder cannot handle.
  /// Unreadable EXIF never fails a decode.
  public static func decode(
    data: [UInt8], path: String, options: DecodeOptions = DecodeOptions()
  ) throws(ImageDecodeError) -> DecodedImage {
    guard !data.isEmpty else { throw .empty(path: path) }
    switch ContentKind.sniff(data) {
    case .jpeg: return try JPEGDecoder.decode(data, path: path, options: options)
    case .png: return try PNGDecoder.decode(data, path: path, options: options)
    case .truncatedSignature:
      throw .truncated(
        path: path, reason: "the data ends inside the file signature (\(data.count) bytes)")
    default: throw .notAnImage(path: path)
    }
  }

  /// The EXIF metadata of JPEG or PNG bytes without decoding pixels; default metadata when
  /// there is none or the bytes are not JPEG/PNG. Never throws.
  public static func metadata(of data: [UInt8]) -> ImageMetadata {
    let payload: [UInt8]?
    switch ContentKind.sniff(data) {
    case .jpeg: payload = JPEGSegments.exifPayload(data)
    case .png: payload = PNGChunks.exifPayload(data)
    default: payload = nil
    }
    return payload.map(ExifParser.parse) ?? ImageMetadata()
  }
}

extension ImageDecoder {
  /// The whole regular file at `path` (``LookoutSystem/FileReader/readRegularFile(_:)``), its
  /// failures as ``ImageDecodeError/system(path:code:)`` classifies them (`.unreadable` with the
  /// system's error text when the file cannot be reached, `.readFailed` when the storage fails),
  /// and `.empty` for a zero-byte file.
  static func contents(ofFileAt path: String) throws(ImageDecodeError) -> [UInt8] {
    let bytes: [UInt8]
    do {
      bytes = try FileReader.readRegularFile(path)
    } catch {
      switch error {
      case .system(let code): throw .system(path: path, code: code.rawValue)
      case .isDirectory: throw .unreadable(path: path, reason: "is a directory")
      case .notRegularFile: throw .unreadable(path: path, reason: "not a regular file")
      }
    }
    guard !bytes.isEmpty else { throw .empty(path: path) }
    return bytes
  }
}
