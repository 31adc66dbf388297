import Foundation
import LookoutSystem
import SystemPackage
import Testing

/// `PathCall.makeDirectories` behaves as `mkdir -p`, and says why when it cannot.
@Suite struct MakeDirectoriesTests {
  @Test func makesEveryMissingFolderAndAcceptsOnesAlreadyThere() throws {
    let root = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let deep = root + "/a/b/c/"
    try PathCall.makeDirectories(deep)
    var isFolder: ObjCBool = false
    #expect(FileManager.default.fileExists(atPath: root + "/a/b/c", isDirectory: &isFolder))
    #expect(isFolder.boolValue)
    try PathCall.makeDirectories(deep)
    try PathCall.makeDirectories(root + "/a")
  }

  @Test func aFileInTheWayIsAnErrorWithItsErrno() throws {
    let root = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    #expect(FileManager.default.createFile(atPath: root + "/file", contents: Data([1])))
    #expect(throws: Errno.fileExists) { try PathCall.makeDirectories(root + "/file") }
    #expect(throws: Errno.notDirectory) { try PathCall.makeDirectories(root + "/file/below") }
  }
}
