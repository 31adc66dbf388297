import Foundation
import Testing

@testable import LookoutSystem

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

private func listing(_ dir: String) -> [String] {
  ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
}

private func contents(_ path: String) -> String? {
  FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
}

@Suite struct AtomicFileWriterTests {
  @Test func createsThenReplacesLeavingNoTemporaryFiles() throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/detections.json"
    try AtomicFileWriter.write(Array("one".utf8), to: path)
    #expect(contents(path) == "one")
    try AtomicFileWriter.write("two, longer", to: path)
    #expect(contents(path) == "two, longer")
    try AtomicFileWriter.write([], to: path)
    #expect(contents(path) == "")
    #expect(listing(dir) == ["detections.json"])
  }

  @Test func replacesWholeFilesUnderConcurrentWriters() async throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/out.json"
    await withTaskGroup(of: Void.self) { group in
      for i in 0..<8 {
        group.addTask {
          let body = String(repeating: String(i), count: 10_000)
          for _ in 0..<10 { try? AtomicFileWriter.write(body, to: path) }
        }
      }
    }
    let final = contents(path)!
    #expect(final.count == 10_000 && Set(final).count == 1)
    #expect(listing(dir) == ["out.json"])
  }

  @Test(.enabled(if: geteuid() != 0, "root ignores directory permissions"))
  func readOnlyDirectoryLeavesOldFileIntact() throws {
    let dir = try makeTemporaryDirectory()
    defer {
      chmod(dir, 0o755)
      try? FileManager.default.removeItem(atPath: dir)
    }
    let path = dir + "/alerts.csv"
    try AtomicFileWriter.write("old", to: path)
    chmod(dir, 0o555)
    #expect {
      try AtomicFileWriter.write("new", to: path)
    } throws: { error in
      let e = error as! FileIOError
      return e.path == path && e.step == .createTemporary && e.code == EACCES
        && e.description.contains("permission denied")
    }
    #expect(contents(path) == "old")
    #expect(listing(dir) == ["alerts.csv"])
  }

  #if os(Linux)
    /// The root-proof version of the read-only test: no one can create files in /proc/self.
    @Test func directoryThatRefusesNewFilesLeavesOldFileIntact() throws {
      let path = "/proc/self/comm"
      let before = contents(path)
      #expect(throws: FileIOError.self) { try AtomicFileWriter.write("new", to: path) }
      #expect(contents(path) == before)
    }
  #endif

  @Test(arguments: [FileIOError.Step.write, .sync, .close, .rename])
  func failureAtAnyStepRemovesTheTemporaryFile(step: FileIOError.Step) throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/summary.json"
    try AtomicFileWriter.write("old", to: path)
    do {
      try AtomicFileWriter.write(
        Array("new".utf8), to: path, fault: .init(step: step, code: ENOSPC))
      Issue.record("no error thrown")
    } catch {
      #expect(error.path == path && error.step == step && error.code == ENOSPC)
      #expect(error.isDiskFull)
      #expect(error.reason == "disk full (ENOSPC)")
      #expect(error.description.contains("disk full") && error.description.contains(path))
      #expect(error.temporaryPath?.hasPrefix(path + ".tmp-\(getpid())-") == true)
    }
    #expect(contents(path) == "old")
    #expect(listing(dir) == ["summary.json"])
  }

  @Test func renameOntoADirectoryFailsCleanly() throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let target = dir + "/target"
    try FileManager.default.createDirectory(
      atPath: target + "/inside", withIntermediateDirectories: true)
    #expect {
      try AtomicFileWriter.write("x", to: target)
    } throws: { error in
      let e = error as! FileIOError
      return e.step == .rename && (e.code == EISDIR || e.code == ENOTEMPTY || e.code == EEXIST)
    }
    #expect(listing(dir) == ["target"])
    #expect(listing(target) == ["inside"])
  }

  @Test func missingDirectory() throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    #expect {
      try AtomicFileWriter.write("x", to: dir + "/no/such/file.json")
    } throws: { error in
      let e = error as! FileIOError
      return e.step == .createTemporary && e.code == ENOENT && !e.isDiskFull
    }
  }

  @Test func directoryOfPath() {
    #expect(AtomicFileWriter.directory(of: "out/a.json") == "out")
    #expect(AtomicFileWriter.directory(of: "a.json") == ".")
    #expect(AtomicFileWriter.directory(of: "/a.json") == "/")
    #expect(AtomicFileWriter.directory(of: "/x/y/a.json") == "/x/y")
  }

  @Test func reasons() {
    #expect(FileIOError(path: "p", step: .write, code: EDQUOT).isDiskFull)
    #expect(
      FileIOError(path: "p", step: .write, code: EROFS).reason == "read-only file system (EROFS)")
    #expect(FileIOError(path: "p", step: .write, code: EIO).reason == "input/output error (EIO)")
    #expect(
      FileIOError(path: "out/x.json", step: .write, code: ENOSPC).description
        == "cannot write \"out/x.json\": disk full (ENOSPC) while writing")
  }
}
