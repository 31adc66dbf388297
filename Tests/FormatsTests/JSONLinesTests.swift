import Foundation
import LookoutSystem
import Testing

@testable import Formats

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

private func contents(_ path: String) -> String? {
  FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
}

@Suite struct JSONLinesTests {
  @Test func appendsAndReadsBack() throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/alerts.jsonl"
    let writer = try JSONLinesWriter(path: path)
    for alert in GoldenData.alerts { try writer.append(AlertEncoding.jsonLine(alert)) }
    try writer.append(.object([("k", .string("line\nbreak"))]))
    try writer.sync()
    try writer.close()
    try writer.close()  // twice is fine
    #expect(throws: FileIOError.self) { try writer.append("late") }
    let read = try JSONLinesReader.read(path: path)
    #expect(read.tornTailBytes == 0)
    #expect(read.lines.count == 4)
    #expect(try AlertEncoding.decodeJSONLine(read.lines[2]).file == GoldenData.unicodeFile)
    #expect(try JSONLinesReader.values(read)[3] == .object([("k", .string("line\nbreak"))]))
    // Reopening appends after what is there.
    let again = try JSONLinesWriter(path: path)
    try again.append("{\"n\":5}")
    try again.close()
    #expect(try JSONLinesReader.read(path: path).lines.count == 5)
  }

  @Test func readerDropsATornLastLine() throws {
    let bytes = Array("{\"a\":1}\n{\"b\":2}\n{\"c\":".utf8)
    let contents = JSONLinesReader.split(bytes)
    #expect(contents.lines == ["{\"a\":1}", "{\"b\":2}"])
    #expect(contents.tornTailBytes == 5)
    #expect(
      try JSONLinesReader.values(contents) == [
        .object([("a", .integer(1))]), .object([("b", .integer(2))]),
      ])
    // CRLF endings and blank lines.
    #expect(
      JSONLinesReader.split(Array("a\r\n\nb\n".utf8)) == .init(lines: ["a", "b"], tornTailBytes: 0))
    #expect(JSONLinesReader.split([]) == .init(lines: [], tornTailBytes: 0))
  }

  @Test func corruptCompleteLineIsAnError() {
    let contents = JSONLinesReader.split(Array("{\"a\":1}\n{oops}\n".utf8))
    #expect {
      try JSONLinesReader.values(contents)
    } throws: { error in
      (error as! JSONParseError).message.hasPrefix("line 2:")
    }
  }

  @Test func reopeningCutsOffATornLine() throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/checkpoint.jsonl"
    // What kill -9 in the middle of a write could leave behind.
    let torn = "{\"file\":\"a.jpg\"}\n{\"file\":\"b.jpg\"}\n{\"file\":\"c.j"
    _ = FileManager.default.createFile(atPath: path, contents: Data(torn.utf8))
    #expect(try JSONLinesReader.read(path: path).tornTailBytes == 12)
    let writer = try JSONLinesWriter(path: path)
    try writer.append("{\"file\":\"c.jpg\"}")
    try writer.close()
    let read = try JSONLinesReader.read(path: path)
    #expect(read.tornTailBytes == 0)
    #expect(read.lines == ["{\"file\":\"a.jpg\"}", "{\"file\":\"b.jpg\"}", "{\"file\":\"c.jpg\"}"])
  }

  @Test func reopeningAFileWithOnlyATornLineEmptiesIt() throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/x.jsonl"
    _ = FileManager.default.createFile(
      atPath: path, contents: Data(String(repeating: "x", count: 10_000).utf8))
    let writer = try JSONLinesWriter(path: path)
    try writer.append("{}")
    try writer.close()
    #expect(contents(path) == "{}\n")
  }

  @Test func concurrentAppendsKeepLinesWhole() async throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/c.jsonl"
    let writer = try JSONLinesWriter(path: path)
    await withTaskGroup(of: Void.self) { group in
      for t in 0..<4 {
        group.addTask {
          for i in 0..<250 {
            try? writer.append(
              .object([
                ("t", .integer(t)), ("i", .integer(i)),
                ("pad", .string(String(repeating: "p", count: 300))),
              ]))
          }
        }
      }
    }
    try writer.close()
    let values = try JSONLinesReader.values(try JSONLinesReader.read(path: path))
    #expect(values.count == 1000)
    for t in 0..<4 {
      #expect(values.filter { $0["t"] == .integer(t) }.map { $0["i"]!.intValue! } == Array(0..<250))
    }
  }

  @Test func missingFileIsAnOpenError() {
    #expect {
      try JSONLinesReader.read(path: "/nonexistent-lookout/x.jsonl")
    } throws: { error in
      let e = error as! FileIOError
      return e.step == .open && e.code == ENOENT && e.description.hasPrefix("cannot read")
    }
  }
}
