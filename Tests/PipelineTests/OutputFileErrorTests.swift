import Foundation
import LookoutSystem
import Testing

@testable import Pipeline

/// A failed output write keeps its cause (the step and the errno) inside the `ScanError`, and
/// says it in the same words as before.
@Suite struct OutputFileErrorTests {
  @Test func aWriteIntoAMissingFolderKeepsItsErrno() throws {
    let folder = FileManager.default.temporaryDirectory.path + "/lookout-missing-\(UUID().uuidString)"
    let path = folder + "/summary.json"
    do {
      try OutputFiles.writeAtomically(Array("{}".utf8), to: path)
      Issue.record("wrote into a folder that does not exist")
    } catch {
      guard case .outputFile(let shown, let cause) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(shown == path)
      #expect(cause.code == ENOENT)
      #expect(
        error.description == "cannot write output \(path): no such file or directory (ENOENT)")
    }
  }

  @Test func anOutputFolderThatCannotBeMadeKeepsItsStepAndErrno() throws {
    let folder = FileManager.default.temporaryDirectory.path + "/lookout-file-\(UUID().uuidString)"
    #expect(FileManager.default.createFile(atPath: folder, contents: Data([1])))
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let output = folder + "/out"
    #expect(
      throws: ScanError.outputFile(
        path: output, cause: FileIOError(path: output, step: .createDirectory, code: ENOTDIR))
    ) {
      try OutputFiles.makeDirectory(output)
    }
    #expect(
      ScanError.outputFile(
        path: output, cause: FileIOError(path: output, step: .createDirectory, code: ENOTDIR)
      ).description == "cannot write output \(output): a path component is not a directory (ENOTDIR)")
  }
}
