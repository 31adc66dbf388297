import Foundation
import LookoutSystem
import SystemPackage
import Testing

@testable import Formats

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The line reader a scan uses so that memory does not grow with the card.
@Suite struct StreamingFileIOTests {
  /// Lines that straddle chunk boundaries, CRLF endings, empty lines and a torn tail, read with
  /// every chunk size from 1 byte up: the same lines, at offsets that read them back.
  @Test func readerFindsEveryCompleteLineAndItsOffset() throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/lines.jsonl"
    let text = "{\"a\":1}\n\n{\"b\":\"long line here\"}\r\n{\"c\":3}\n{\"torn\":"
    try AtomicFileWriter.write(text, to: path)
    let fd = try FileDescriptor.opening(path, .readOnly)
    defer { fd.closeIgnoringFailure() }
    for chunk in [1, 2, 3, 5, 8, 64, 1 << 20] {
      var lines: [String] = []
      var readBack: [String] = []
      try JSONLinesStreamReader.forEachLine(path: path, chunkBytes: chunk) { offset, line in
        lines.append(String(decoding: line, as: UTF8.self))
        let bytes = try? JSONLinesStreamReader.readLine(
          fd: fd, path: path, offset: offset, count: line.count)
        readBack.append(String(decoding: bytes ?? [], as: UTF8.self))
        return true
      }
      #expect(lines == ["{\"a\":1}", "{\"b\":\"long line here\"}", "{\"c\":3}"], "chunk \(chunk)")
      #expect(readBack == lines, "chunk \(chunk)")
    }
  }

  @Test func readerStopsWhenAsked() throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/lines.jsonl"
    try AtomicFileWriter.write("1\n2\n3\n", to: path)
    var seen: [String] = []
    try JSONLinesStreamReader.forEachLine(path: path) { _, line in
      seen.append(String(decoding: line, as: UTF8.self))
      return seen.count < 2
    }
    #expect(seen == ["1", "2"])
  }

  @Test func appendReturnsWhereEachLineStarts() throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/c.jsonl"
    let writer = try JSONLinesWriter(path: path)
    #expect(try writer.append("abc") == 0)
    #expect(try writer.append("de") == 4)
    #expect(try writer.append("f") == 7)
    try writer.close()
  }

  /// Counting one record at a time gives the same summary as counting the arrays.
  @Test func tallyEqualsTallyingArrays() {
    let images = GoldenData.images
    let alerts: [AlertRecord] = []
    let thresholds = ["person": 0.4, "vehicle": 0.5]
    let whole = RunSummary(
      tallying: images, alerts: alerts, detectionThreshold: 0.1, seconds: 2,
      modelVersion: "m", thresholds: thresholds, startedAt: "s", finishedAt: "f")
    var tally = RunSummary.Tally(detectionThreshold: 0.1, alertClasses: thresholds.keys)
    for image in images { tally.add(image) }
    let streamed = RunSummary(
      tally: tally, seconds: 2, modelVersion: "m", thresholds: thresholds, startedAt: "s",
      finishedAt: "f")
    #expect(streamed == whole)
    #expect(streamed.images == images.count)
  }

  /// A writer whose failure reasons are `code: detail` counts them by code.
  @Test func tallyCountsFailuresByCode() {
    let failures = [
      ImageRecord.failed(file: "a.jpg", reason: "truncated: premature end of data"),
      ImageRecord.failed(file: "b.jpg", reason: "truncated: no EOI"),
      ImageRecord.failed(file: "c.jpg", reason: "unreadable"),
    ]
    var byCode = RunSummary.Tally(detectionThreshold: 0.1, alertClasses: [], failuresByCode: true)
    var byReason = RunSummary.Tally(detectionThreshold: 0.1, alertClasses: [])
    for image in failures {
      byCode.add(image)
      byReason.add(image)
    }
    #expect(byCode.failuresByReason == ["truncated": 2, "unreadable": 1])
    #expect(byReason.failuresByReason.count == 3)
    #expect(byCode.images == 3 && byCode.imagesOK == 0)
  }
}
