/// The image formats `ImageDecoder` decodes.
public enum ImageFormat: String, Sendable, Equatable, CaseIterable {
  case jpeg
  case png
}

/// What the first bytes of a file say it is. Used to pick a decoder and to explain refusals.
public enum ContentKind: String, Sendable, Equatable {
  case jpeg, png
  /// A strict prefix of the JPEG or PNG signature: a file cut off almost at once.
  case truncatedSignature = "truncated signature"
  case gif = "GIF", bmp = "BMP", tiff = "TIFF", webp = "WebP", heif = "HEIF/AVIF"
  case pdf = "PDF", zip = "ZIP", gzip = "gzip", text
  case unknown

  /// Classifies `bytes` by magic numbers only (never by file name). `text` means the first
  /// 512 bytes are printable ASCII/UTF-8 with ordinary whitespace.
  public static func sniff<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> ContentKind {
    let head = Array(bytes.prefix(512))
    func starts(with magic: [UInt8], at offset: Int = 0) -> Bool {
      head.count >= offset + magic.count && Array(head[offset..<(offset + magic.count)]) == magic
    }
    let jpegSignature: [UInt8] = [0xFF, 0xD8]
    let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    if starts(with: jpegSignature) { return .jpeg }
    if starts(with: pngSignature) { return .png }
    let isSignaturePrefix =
      Array(pngSignature.prefix(head.count)) == head
      || Array(jpegSignature.prefix(head.count)) == head
    if !head.isEmpty, head.count < pngSignature.count, isSignaturePrefix {
      return .truncatedSignature
    }
    if starts(with: Array("GIF8".utf8)) { return .gif }
    if starts(with: Array("BM".utf8)) { return .bmp }
    if starts(with: [0x49, 0x49, 0x2A, 0x00]) || starts(with: [0x4D, 0x4D, 0x00, 0x2A]) {
      return .tiff
    }
    if starts(with: Array("RIFF".utf8)), starts(with: Array("WEBP".utf8), at: 8) { return .webp }
    if starts(with: Array("ftyp".utf8), at: 4) { return .heif }
    if starts(with: Array("%PDF".utf8)) { return .pdf }
    if starts(with: [0x50, 0x4B, 0x03, 0x04]) { return .zip }
    if starts(with: [0x1F, 0x8B]) { return .gzip }
    if !head.isEmpty, looksLikeText(head) { return .text }
    return .unknown
  }

  /// Printable characters and ordinary whitespace, valid UTF-8 (a character cut off by the
  /// 512-byte window is allowed).
  private static func looksLikeText(_ bytes: [UInt8]) -> Bool {
    let printable = bytes.allSatisfy { byte in
      byte == 0x09 || byte == 0x0A || byte == 0x0D || (byte >= 0x20 && byte != 0x7F)
    }
    guard printable else { return false }
    return (0...3).contains { cut in
      cut <= bytes.count && String(validating: bytes.dropLast(cut), as: UTF8.self) != nil
    }
  }
}
