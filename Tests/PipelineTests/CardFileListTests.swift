import Testing

@testable import Pipeline

/// The compact list a walk returns: files made from its records must be the files the walk saw.
@Suite struct CardFileListTests {
  /// A list under `/card` built the way the walk builds it, then sorted.
  private func list(_ names: [[UInt8]]) -> (CardFileList, [WalkProblem]) {
    var list = CardFileList(root: Array("/card".utf8))
    for (number, raw) in names.enumerated() {
      let display = raw.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        .map { CardWalker.displayName(Array($0)) }.joined(separator: "/")
      list.append(
        rawRelative: raw, display: display, size: Int64(number),
        modifiedNanoseconds: Int64(number) * 7)
    }
    var problems: [WalkProblem] = []
    list.sortRemovingClashes(problems: &problems)
    return (list, problems)
  }

  @Test func filesComeBackWithTheirPathsSizesAndTimesInByteOrder() {
    let invalid = Array("cam/b".utf8) + [0xFF] + Array(".jpg".utf8)
    let (files, problems) = list([Array("cam/z.jpg".utf8), invalid, Array("cam/é.png".utf8)])
    #expect(problems.isEmpty)
    #expect(files.map(\.relativePath) == ["cam/b%FF.jpg", "cam/z.jpg", "cam/é.png"])
    #expect(files[0].path == Array("/card/".utf8) + invalid)
    #expect(files[0].size == 1 && files[0].modifiedNanoseconds == 7)
    #expect(
      files[1]
        == CardFile(
          relativePath: "cam/z.jpg", path: Array("/card/cam/z.jpg".utf8), size: 0,
          modifiedNanoseconds: 0))
    #expect(files.relativePath(at: 2) == "cam/é.png")
    #expect(files.state(at: 2) == (2, 14))
  }

  @Test func aNameWhoseEscapedFormEqualsAnotherIsReportedNotListed() {
    // "a%FF.jpg" (a real name) and "a\u{FF}.jpg" as one invalid byte display alike; the first
    // by raw bytes ('%' is 0x25) is kept.
    let (files, problems) = list([
      Array("a".utf8) + [0xFF] + Array(".jpg".utf8), Array("a%FF.jpg".utf8),
    ])
    #expect(files.count == 1)
    #expect(files[0].path == Array("/card/a%FF.jpg".utf8))
    #expect(problems.map(\.relativePath) == ["a%FF.jpg"])
  }

  @Test func everyFileIsFoundByItsRelativePathAndNoOtherNameIs() {
    var generator = SystemRandomNumberGenerator()
    let names = (0..<500).map { _ in
      "site\(Int.random(in: 0..<5, using: &generator))/IMG_\(Int.random(in: 0..<100_000, using: &generator)).JPG"
    }
    let (files, _) = list(Set(names).map { Array($0.utf8) })
    for index in files.indices {
      #expect(files.index(ofRelativePath: files[index].relativePath) == index)
    }
    #expect(files.index(ofRelativePath: "site9/IMG_1.JPG") == nil)
    #expect(files.index(ofRelativePath: "") == nil)
    #expect(files.index(ofRelativePath: "site0") == nil)
  }

  @Test func keepingSelectsInOrderAndTheSelectionStillFindsItsFiles() {
    let (files, _) = list((0..<20).map { Array("f\($0 < 10 ? "0" : "")\($0).jpg".utf8) })
    let even = files.keeping { $0.size % 2 == 0 }
    #expect(
      even.map(\.relativePath)
        == stride(from: 0, to: 20, by: 2).map {
          "f\($0 < 10 ? "0" : "")\($0).jpg"
        })
    #expect(even.index(ofRelativePath: "f04.jpg") == 2)
    #expect(even.index(ofRelativePath: "f05.jpg") == nil)
    #expect(even == files.keeping { $0.size % 2 == 0 })
    #expect(even != files)
  }

  @Test func aKeptNameThatIsNotUTF8KeepsItsRawPathAndItsShownForm() {
    let invalid = Array("cam/x".utf8) + [0xFE] + Array(".jpg".utf8)
    let (files, _) = list([Array("cam/a.jpg".utf8), invalid, Array("cam/z.jpg".utf8)])
    let kept = files.keeping { $0.relativePath != "cam/a.jpg" }
    #expect(kept.map(\.relativePath) == ["cam/x%FE.jpg", "cam/z.jpg"])
    #expect(kept[0].path == Array("/card/".utf8) + invalid)
    #expect(kept[0] == files[1] && kept[1] == files[2])
    #expect(kept.index(ofRelativePath: "cam/x%FE.jpg") == 0)
  }
}
