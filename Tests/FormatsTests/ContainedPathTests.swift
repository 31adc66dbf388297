import Testing

@testable import Formats

@Suite struct ContainedPathTests {
  @Test(arguments: [
    "a.jpg", "site/cam/a.jpg", "./a.jpg", "a//b.jpg", "a\\b.jpg", "..a/b..jpg", "a/.../b.jpg",
    "https://example.org/card/a.jpg", "café/ü.jpg",
  ])
  func staysInside(path: String) {
    #expect(ContainedPath.problem(path) == nil)
  }

  @Test(arguments: [
    "", "..", "../a.jpg", "a/../../b.jpg", "a/..", "/etc/passwd", "\\\\server\\share\\a.jpg",
    "..\\a.jpg", "a\\..\\..\\b.jpg", "C:\\a.jpg", "c:/a.jpg", "a\0/b.jpg",
  ])
  func isRefused(path: String) {
    #expect(ContainedPath.problem(path) != nil)
  }

  @Test func theErrorNamesTheFileTheEntryAndTheReason() {
    #expect(throws: UnsafePathError.self) {
      try ContainedPath.check("../x.jpg", entry: "images[3].file", in: "d.json")
    }
    do {
      try ContainedPath.check("../x.jpg", entry: "images[3].file", in: "d.json")
    } catch {
      #expect(
        error.description
          == "d.json: images[3].file \"../x.jpg\": it contains \"..\" and could lead out of the folder")
    }
  }
}
