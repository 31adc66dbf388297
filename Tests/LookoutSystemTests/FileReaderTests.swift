import Foundation
import SystemPackage
import Testing

@testable import LookoutSystem

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@Suite struct FileReaderTests {
  @Test func readsWholeFilesOfEverySize() throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // Empty, small, exactly the first chunk, and larger than one 1 MiB chunk.
    for size in [0, 1, 4095, 1 << 16, (1 << 20) + 3] {
      let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
      let path = dir + "/f\(size)"
      try AtomicFileWriter.write(bytes, to: path)
      #expect(try FileReader.read(path) == bytes, "size \(size)")
      #expect(try FileReader.readRegularFile(path) == bytes, "size \(size)")
    }
  }

  @Test func aMissingFileIsAnOpenError() throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    #expect(throws: FileIOError(path: dir + "/none", step: .open, code: ENOENT)) {
      try FileReader.read(dir + "/none")
    }
    #expect(throws: FileReader.RegularFileError.system(.noSuchFileOrDirectory)) {
      try FileReader.readRegularFile(dir + "/none")
    }
  }

  /// The path reaches `open(2)` as given: a trailing slash after a file name fails (ENOTDIR)
  /// instead of being dropped.
  @Test func pathsAreOpenedAsGiven() throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try AtomicFileWriter.write("x", to: dir + "/a.json")
    #expect(throws: FileIOError(path: dir + "/a.json/", step: .open, code: ENOTDIR)) {
      try FileReader.read(dir + "/a.json/")
    }
  }

  @Test func onlyRegularFilesAreReadAsImages() throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    #expect(throws: FileReader.RegularFileError.isDirectory) {
      try FileReader.readRegularFile(dir)
    }
    // A FIFO neither blocks the open (O_NONBLOCK) nor is read.
    #expect(mkfifo(dir + "/pipe", 0o600) == 0)
    #expect(throws: FileReader.RegularFileError.notRegularFile) {
      try FileReader.readRegularFile(dir + "/pipe")
    }
  }

  @Test func chunksComeInOrderAndStopWhenAsked() throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let bytes = Array("0123456789abcdefghij".utf8)
    try AtomicFileWriter.write(bytes, to: dir + "/f")
    var seen: [[UInt8]] = []
    try FileReader.forEachChunk(path: dir + "/f", chunkBytes: 7) { chunk in
      seen.append(Array(chunk))
      return true
    }
    #expect(seen == [Array(bytes[0..<7]), Array(bytes[7..<14]), Array(bytes[14...])])
    var first: [[UInt8]] = []
    try FileReader.forEachChunk(path: dir + "/f", chunkBytes: 7) { chunk in
      first.append(Array(chunk))
      return false
    }
    #expect(first == [Array(bytes[0..<7])])
  }

  @Test func readsARangeOfAnOpenFileAndFailsPastItsEnd() throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try AtomicFileWriter.write("hello, world", to: dir + "/f")
    let fd = try FileDescriptor.opening(dir + "/f", .readOnly)
    defer { fd.closeIgnoringFailure() }
    #expect(try FileReader.read(fd, at: 7, count: 5) == Array("world".utf8))
    #expect(throws: Errno.ioError) { try FileReader.read(fd, at: 10, count: 5) }
  }
}
