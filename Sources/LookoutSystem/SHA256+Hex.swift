import Crypto
import Foundation

/// Lookout's digests are swift-crypto's `SHA256`, written as lowercase hexadecimal (as Python's
/// `hashlib.sha256(...).hexdigest()` writes them).
///
/// ```swift
/// SHA256.hexDigest(Array("abc".utf8))  // "ba7816bf…f20015ad"
/// var hasher = SHA256()
/// hasher.update("lookout-media")
/// hasher.update([0])
/// let id = hasher.finalize().hex
/// ```
extension SHA256 {
  /// The digest of `bytes` in lowercase hexadecimal.
  public static func hexDigest(_ bytes: some DataProtocol) -> String {
    hash(data: bytes).hex
  }

  /// Adds the UTF-8 bytes of `text`.
  public mutating func update(_ text: String) {
    update(data: Array(text.utf8))
  }

  /// Adds `bytes`.
  public mutating func update(_ bytes: [UInt8]) {
    update(data: bytes)
  }

  /// Adds `bytes`.
  public mutating func update(_ bytes: ArraySlice<UInt8>) {
    update(data: bytes)
  }
}

extension SHA256Digest {
  /// The digest in lowercase hexadecimal, two digits a byte.
  public var hex: String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(Self.byteCount * 2)
    for byte in self {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}
