import Foundation
import LookoutCore
import Testing

@testable import Pipeline

@Suite struct CardWalkerTests {
  private func touch(_ root: URL, _ path: String, bytes: Int = 1) throws {
    let url = root.appendingPathComponent(path)
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(repeating: 0xFF, count: bytes).write(to: url)
  }

  @Test func findsImagesInAnyCaseAndSkipsHiddenAndSystemFiles() throws {
    let root = try ScanFixtures.temporaryFolder()
    for path in [
      "b/IMG_2.JPG", "a/img_1.jpeg", "a/x.Png", "top.jpg", "a/._img_1.jpeg", ".hidden/h.jpg",
      "a/Thumbs.db", "a/notes.txt", "a/.DS_Store", "a/photo.jpg.part", "c/d/e/deep.JPEG",
    ] {
      try touch(root, path)
    }
    let (files, problems) = try CardWalker().walk(root: root.path)
    #expect(problems.isEmpty)
    #expect(
      files.map(\.relativePath) == [
        "a/img_1.jpeg", "a/x.Png", "b/IMG_2.JPG", "c/d/e/deep.JPEG", "top.jpg",
      ])
    #expect(files[0].size == 1)
    #expect(String(decoding: files[0].path, as: UTF8.self) == root.path + "/a/img_1.jpeg")
  }

  @Test func orderIsByteWiseAndIndependentOfCreationOrder() throws {
    let root = try ScanFixtures.temporaryFolder()
    for path in ["Z.jpg", "a.jpg", "B.jpg", "é.jpg", "_.jpg", "10.jpg", "9.jpg"] {
      try touch(root, path)
    }
    let names = try CardWalker().walk(root: root.path).files.map(\.relativePath)
    #expect(names == ["10.jpg", "9.jpg", "B.jpg", "Z.jpg", "_.jpg", "a.jpg", "é.jpg"])
  }

  @Test func symlinkLoopsEndAndLinkedFoldersAreReadOnce() throws {
    let root = try ScanFixtures.temporaryFolder()
    try touch(root, "cam/a.jpg")
    let fm = FileManager.default
    try fm.createSymbolicLink(
      atPath: root.appendingPathComponent("cam/loop").path, withDestinationPath: "..")
    try fm.createSymbolicLink(
      atPath: root.appendingPathComponent("alias").path, withDestinationPath: "cam")
    try fm.createSymbolicLink(
      atPath: root.appendingPathComponent("cam/dangling.jpg").path,
      withDestinationPath: "/nonexistent/x.jpg")
    let files = try CardWalker().walk(root: root.path).files.map(\.relativePath)
    // "alias" is the same folder as "cam": it is entered once, under its first name in order.
    #expect(files == ["alias/a.jpg", "alias/dangling.jpg"])
  }

  @Test func unreadableRootThrowsWithThePath() throws {
    #expect(throws: ScanError.inputUnreadable(path: "/nonexistent/card", reason: "No such file or directory")) {
      _ = try CardWalker().walk(root: "/nonexistent/card")
    }
  }

  @Test func originComesFromTheFolderLayout() {
    #expect(ImageOrigin(relativePath: "a.jpg") == ImageOrigin(site: nil, camera: nil))
    #expect(ImageOrigin(relativePath: "cam1/a.jpg") == ImageOrigin(site: nil, camera: "cam1"))
    #expect(
      ImageOrigin(relativePath: "north/cam1/DCIM/100/a.jpg")
        == ImageOrigin(site: "north", camera: "cam1"))
  }
}
