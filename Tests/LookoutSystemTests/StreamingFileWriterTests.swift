import Foundation
import Testing

@testable import LookoutSystem

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The streaming writer a scan uses so that memory does not grow with the card.
@Suite struct StreamingFileWriterTests {
  @Test func writerProducesExactlyTheBytesWrittenAcrossManyFlushes() throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/out.json"
    let writer = try StreamingFileWriter(path: path, bufferBytes: 7)
    var expected: [UInt8] = []
    for i in 0..<500 {
      let piece = "piece \(i) é\n"
      try writer.write(piece)
      expected += Array(piece.utf8)
    }
    try writer.finish()
    #expect(try FileReader.read(path) == expected)
  }

  @Test func writerTruncatesAnOldFile() throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/out"
    try AtomicFileWriter.write(Array(repeating: 0x41, count: 1000), to: path)
    let writer = try StreamingFileWriter(path: path)
    try writer.write("short")
    try writer.finish()
    #expect(try FileReader.read(path) == Array("short".utf8))
  }

  @Test func writerNamesTheFileWhenItCannotOpen() throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    #expect(throws: FileIOError.self) {
      _ = try StreamingFileWriter(path: dir + "/missing-folder/out")
    }
    do {
      _ = try StreamingFileWriter(path: dir + "/missing-folder/out")
    } catch {
      #expect(error.path == dir + "/missing-folder/out")
      #expect(error.code == ENOENT)
    }
  }
}
