import Crypto
import Foundation
import LookoutSystem
import Testing

/// swift-crypto's SHA-256 written in hex as Lookout writes it: the same digests as Python's
/// `hashlib`.
@Suite struct SHA256Tests {
  @Test func knownVectors() {
    #expect(
      SHA256.hexDigest([UInt8]())
        == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(
      SHA256.hexDigest(Array("abc".utf8))
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(
      SHA256.hexDigest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    var hasher = SHA256()
    for _ in 0..<1000 { hasher.update([UInt8](repeating: UInt8(ascii: "a"), count: 1000)) }
    #expect(
      hasher.finalize().hex
        == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  /// sha256.txt: hashlib digests of random inputs of 0…129, 1000, 4096 and 65537 bytes.
  @Test func agreesWithHashlib() throws {
    var count = 0
    for line in try Fixture.text("sha256.txt").split(separator: "\n") {
      let parts = line.split(separator: " ")
      let hex = parts[0] == "-" ? "" : String(parts[0])
      var bytes: [UInt8] = []
      var i = hex.startIndex
      while i < hex.endIndex {
        let j = hex.index(i, offsetBy: 2)
        bytes.append(UInt8(hex[i..<j], radix: 16)!)
        i = j
      }
      // Feed in uneven pieces to exercise buffering.
      var hasher = SHA256()
      var k = 0
      var step = 1
      while k < bytes.count {
        hasher.update(bytes[k..<min(bytes.count, k + step)])
        k += step
        step = step * 3 % 97 + 1
      }
      #expect(hasher.finalize().hex == String(parts[1]), "length \(bytes.count)")
      count += 1
    }
    #expect(count == 133)
  }
}
