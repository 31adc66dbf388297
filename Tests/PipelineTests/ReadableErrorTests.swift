import Formats
import Foundation
import LookoutSystem
import Testing

/// Errors a person reads: the path and the errno in words, never Foundation's "The operation
/// could not be completed" or "NSCocoaErrorDomain error 512".
@Suite struct ReadableErrorTests {
  @Test func aFolderThatCannotBeCreatedIsSaidWithItsErrno() throws {
    // /proc accepts no new folders: Foundation's own text is "The file doesn't exist."
    var caught: (any Error)?
    do {
      try FileManager.default.createDirectory(
        atPath: "/proc/lookout-test/out", withIntermediateDirectories: true)
    } catch {
      caught = error
    }
    let error = try #require(caught)
    #expect(SystemErrorText.errnoValue(of: error) == ENOENT)
    #expect(SystemErrorText.describe(error) == "no such file or directory (ENOENT)")
  }

  @Test func anErrorWithoutAnErrnoKeepsItsOwnWords() {
    struct Odd: Error, CustomStringConvertible { var description: String { "odd thing" } }
    #expect(SystemErrorText.errnoValue(of: Odd()) == nil)
    #expect(SystemErrorText.describe(Odd()) == "odd thing")
  }

  @Test(.enabled(if: Repository.lookoutExecutable != nil, "needs the built lookout executable"))
  func scanNamesTheOutputAndTheErrnoInWords() throws {
    let folder = try TemporaryFolder("scan-out-proc")
    defer { folder.remove() }
    try writeFile(folder.sub("card/cam/a.txt"), Array("x".utf8))
    let ending = try LookoutProcess.run(
      ["scan", folder.sub("card"), "--out", "/proc/lookout-test/out", "--quiet"],
      outputPath: folder.sub("scan.log"))
    #expect(ending.status == 1, "\(ending)")
    #expect(
      ending.output.contains("/proc/lookout-test/out")
        && ending.output.contains("no such file or directory (ENOENT)"), "\(ending)")
    #expect(!ending.output.contains("could not be completed"), "\(ending)")
  }
}
