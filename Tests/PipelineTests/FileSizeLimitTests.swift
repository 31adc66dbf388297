import Foundation
import Formats
import Testing

@testable import Pipeline

#if canImport(Glibc)
  import Glibc
#endif

/// A file over the read cap (``ImageScanSettings/maxFileBytes``) is refused unread as
/// `too_large`, naming its size and the cap, and the scan goes on. The file is sparse (a JPEG
/// header, then a hole up to past the cap), so the test costs no disk space.
@Suite struct FileSizeLimitTests {
  @Test(.timeLimit(TestEnvironment.minutes(2)))
  func aFileOverTheReadCapIsTooLarge() throws {
    let folder = try TemporaryFolder("size-limit")
    defer { folder.remove() }
    let card = folder.sub("card")
    let jpeg = try Repository.sampleBytes(HostileCorpus.jpegSample)
    try writeFile(card + "/site/cam/normal.jpg", jpeg)
    let cap = ImageScanSettings().maxFileBytes
    let size = cap + (1 << 20)
    let huge = card + "/site/cam/huge.jpg"
    try writeFile(huge, Array(jpeg.prefix(1024)))
    let fd = open(huge, O_WRONLY)
    #expect(fd >= 0)
    #expect(ftruncate(fd, off_t(size)) == 0)
    close(fd)
    var info = stat()
    #expect(stat(huge, &info) == 0 && Int64(info.st_size) == size)
    // Sparse: a few blocks on disk, not half a gigabyte.
    #expect(Int64(info.st_blocks) * 512 < 1 << 20)

    let report = try scanInProcess(card: card, output: folder.sub("out"))
    #expect(report.images == 2 && report.failures == 1)
    let snapshot = try OutputSnapshot(directory: folder.sub("out"))
    let outcomes = snapshot.checkpointOutcomes
    let outcome = try #require(outcomes["site/cam/huge.jpg"])
    #expect(outcome.failureCode == "too_large")
    #expect(
      outcome.failureReason
        == "site/cam/huge.jpg: file is \(size) bytes (513.0 MiB), over the limit of \(cap) bytes"
        + " (512.0 MiB)")
    #expect(outcome.size == size)
    #expect(outcomes["site/cam/normal.jpg"]?.failureCode == nil)
    #expect(outcomes["site/cam/normal.jpg"]?.width == 640)
    #expect(snapshot.summary["failures"]?["by_reason"]?["too_large"]?.intValue == 1)
  }
}
