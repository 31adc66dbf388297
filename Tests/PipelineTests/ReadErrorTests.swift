import Foundation
import Formats
import ImageIO
import Testing

@testable import Pipeline

#if canImport(Glibc)
  import Glibc
#endif

/// A read that fails with EIO part-way through a file is reported as `read_error`, naming the
/// file and the error, and the scan goes on.
///
/// The real condition is a card or disk that fails under the file: the first sectors read, then
/// the device gives up on a bad block and read(2) returns -1 with EIO (a dying SD card in a USB
/// reader, a disk with a pending sector). This machine has no fault-injecting file system, so
/// the scan's fake read calls (``FakeReadCalls``) stand in for read(2) on one file: it reads the first 4 KiB for real, then fails every call with EIO,
/// through the same loop and error path a real EIO takes.
@Suite struct ReadErrorTests {
  static let goodBytes = 4096

  /// read(2) on a file whose storage fails after `goodBytes`.
  static let failingCard: @Sendable (String, Int32, UnsafeMutableRawPointer, Int) -> Int = {
    path, fd, buffer, count in
    guard path.hasSuffix("failing.jpg") else { return read(fd, buffer, count) }
    let offset = Int(lseek(fd, 0, SEEK_CUR))
    guard offset < goodBytes else {
      errno = EIO
      return -1
    }
    return read(fd, buffer, min(count, goodBytes - offset))
  }

  @Test(.timeLimit(TestEnvironment.minutes(2)))
  func eioWhileReadingIsAReadErrorAndTheScanGoesOn() throws {
    let folder = try TemporaryFolder("read-error")
    defer { folder.remove() }
    let card = folder.sub("card")
    let jpeg = try Repository.sampleBytes(HostileCorpus.jpegSample)
    #expect(jpeg.count > Self.goodBytes)
    for name in ["a.jpg", "failing.jpg", "z.jpg"] {
      try writeFile(card + "/site/cam/" + name, jpeg)
    }
    let report = try scanInProcess(
      card: card, output: folder.sub("out"), readCalls: FakeReadCalls(readCall: Self.failingCard))
    #expect(report.images == 3 && report.failures == 1)
    let snapshot = try OutputSnapshot(directory: folder.sub("out"))
    let outcomes = snapshot.checkpointOutcomes
    let failed = try #require(outcomes["site/cam/failing.jpg"])
    #expect(failed.failureCode == "read_error")
    #expect(failed.failureReason == "site/cam/failing.jpg: read error: Input/output error (EIO)")
    for name in ["a.jpg", "z.jpg"] {
      #expect(outcomes["site/cam/" + name]?.failureCode == nil, "\(name)")
      #expect(outcomes["site/cam/" + name]?.width == 640, "\(name)")
    }
    #expect(snapshot.summary["failures"]?["by_reason"]?["read_error"]?.intValue == 1)
    #expect(
      snapshot.imageRecords["site/cam/failing.jpg"]?["failure"]?.stringValue
        == "read_error: site/cam/failing.jpg: read error: Input/output error (EIO)")
  }

  /// Which errno is which reason: the path problems stay `unreadable`, anything else the
  /// storage returns is `read_error`.
  @Test func errnoClassification() {
    for code in [ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EACCES, EPERM] {
      #expect(ImageDecodeError.system(path: "f.jpg", code: code).reasonCode == "unreadable")
    }
    for code in [EIO, ESTALE, ENXIO, EISDIR, ETIMEDOUT] {
      #expect(
        ImageDecodeError.system(path: "f.jpg", code: code)
          == .readFailed(path: "f.jpg", code: code))
    }
    #expect(
      ImageDecodeError.system(path: "f.jpg", code: ESTALE).description
        == "f.jpg: read error: Stale file handle (ESTALE)")
  }
}
