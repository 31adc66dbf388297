import Foundation
import SeededRandom
import Testing

@testable import Pipeline

#if canImport(Glibc)
  import Glibc
#endif

/// Names that are not UTF-8: distinct names stay distinct, the files can still be read, and a
/// clash between an escaped name and a real one is reported instead of merged.
@Suite struct CardWalkerHostileNameTests {
  @Test func validNamesAreShownAsTheyAre() {
    for name in ["IMG_0001.JPG", "Ñandú.jpg", "100%.jpg", "a%FF.jpg", "日本.png", ""] {
      #expect(CardWalker.displayName(Array(name.utf8)) == name)
    }
  }

  @Test func invalidBytesAndPercentSignsAreEscaped() {
    let cases: [([UInt8], String)] = [
      ([0x61, 0xFF, 0x2E, 0x6A, 0x70, 0x67], "a%FF.jpg"),
      ([0x25, 0xFE], "%25%FE"),
      ([0xE2, 0x82], "%E2%82"),  // a character cut off
      ([0xE2, 0x82, 0xAC, 0xE2], "€%E2"),
      ([0xC0, 0xAF], "%C0%AF"),  // overlong "/"
      ([0xED, 0xA0, 0x80], "%ED%A0%80"),  // a UTF-16 surrogate
      ([0xF4, 0x90, 0x80, 0x80], "%F4%90%80%80"),  // past U+10FFFF
      ([0x63, 0x61, 0x66, 0xE9], "caf%E9"),  // Latin-1
    ]
    for (bytes, expected) in cases {
      #expect(CardWalker.displayName(bytes) == expected, "\(bytes)")
    }
  }

  /// Random invalid names never share a display name (with a lossy decoding, most would).
  @Test func distinctInvalidNamesNeverCollide() {
    var generator = SeededRandom(seed: 7)
    var seen: [String: [UInt8]] = [:]
    var invalid = 0
    for _ in 0..<20_000 {
      let count = Int.random(in: 1...6, using: &generator)
      let bytes = (0..<count).map { _ in
        [0x25, 0x41, 0x80, 0xC3, 0xE2, 0xFF].randomElement(using: &generator)! as UInt8
      }
      guard String(validating: bytes, as: UTF8.self) == nil else { continue }
      invalid += 1
      let shown = CardWalker.displayName(bytes)
      if let other = seen[shown] {
        #expect(other == bytes, "\(other) and \(bytes) both show as \(shown)")
      }
      seen[shown] = bytes
      #expect(String(validating: Array(shown.utf8), as: UTF8.self) != nil)
    }
    #expect(invalid > 1000)
  }

  @Test func invalidNamesAreListedDistinctlyAndClashesReported() throws {
    let folder = try TemporaryFolder("walker")
    defer { folder.remove() }
    let cam = folder.sub("site/cam")
    try FileManager.default.createDirectory(atPath: cam, withIntermediateDirectories: true)
    let prefix = Array((cam + "/").utf8)
    try writeRaw(prefix + Array("a".utf8) + [0xFF] + Array(".jpg".utf8), [1])
    try writeRaw(prefix + Array("a".utf8) + [0xFE] + Array(".jpg".utf8), [2])
    // A real name equal to the first one's escaped form.
    try writeRaw(prefix + Array("a%FF.jpg".utf8), [3])

    let (files, problems) = try CardWalker().walk(root: folder.path)
    #expect(files.map(\.relativePath) == ["site/cam/a%FE.jpg", "site/cam/a%FF.jpg"])
    // The kept a%FF.jpg is the real name ('%' sorts before 0xFF); the other is reported.
    #expect(files[1].path.suffix(8) == Array("a%FF.jpg".utf8))
    #expect(problems.map(\.relativePath) == ["site/cam/a%FF.jpg"])
    #expect(problems.first?.reason.contains("rename") == true)
    // The raw path opens the file whose name is not UTF-8.
    let fd = withCString(files[0].path) { open($0, O_RDONLY) }
    #expect(fd >= 0)
    var byte: UInt8 = 0
    #expect(read(fd, &byte, 1) == 1 && byte == 2)
    close(fd)
  }

  /// Every listed file and problem comes back in the same order on every walk.
  @Test func walkIsDeterministic() throws {
    let folder = try TemporaryFolder("walker-order")
    defer { folder.remove() }
    _ = try HostileCorpus.build(in: folder.path)
    let first = try CardWalker().walk(root: folder.path)
    let second = try CardWalker().walk(root: folder.path)
    #expect(first.files == second.files)
    #expect(first.problems == second.problems)
    let paths = first.files.map(\.relativePath)
    #expect(Set(paths).count == paths.count)
    #expect(paths == paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
  }
}
