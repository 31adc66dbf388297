import Foundation
import LookoutCore
import LookoutSystem
import Testing

@testable import Formats

@Suite struct CSVReaderTests {
  @Test func anUnreadableFileKeepsItsErrno() {
    let path = "/nonexistent-lookout-folder/t.csv"
    #expect(throws: CSVReadError(file: FileIOError(path: path, step: .open, code: ENOENT))) {
      _ = try CSVReader.read(path: path)
    }
    #expect(
      CSVReadError(file: FileIOError(path: path, step: .open, code: ENOENT)).description
        == "\(path): no such file or directory (ENOENT)")
  }

  func parse(_ text: String) throws -> CSVTable {
    try CSVReader.parse(Array(text.utf8), path: "t.csv")
  }

  @Test func quotedFieldsLineBreaksAndPadding() throws {
    let table = try parse(
      "\u{FEFF}file, label ,x\r\n\"a,b.jpg\",person,0.1\r\n\r\n\"say \"\"hi\"\"\",\"two\nlines\"\nshort\n"
    )
    #expect(table.header == ["file", "label", "x"])
    #expect(
      table.rows.map(\.fields) == [
        ["a,b.jpg", "person", "0.1"], ["say \"hi\"", "two\nlines", ""], ["short", "", ""],
      ])
    #expect(table.rows.map(\.line) == [2, 4, 6])
    #expect(table.column("LABEL") == 1)
    #expect(table.column(anyOf: ["class", "label"]) == 1)
  }

  @Test func errorsNameTheLine() {
    #expect(throws: CSVReadError(path: "t.csv", line: 3, reason: "3 fields, but the header has 2"))
    {
      try parse("a,b\n1,2\n1,2,3\n")
    }
    #expect(
      throws: CSVReadError(path: "t.csv", line: 2, reason: "a quote inside an unquoted field")
    ) {
      try parse("a,b\nx\"y,2\n")
    }
    #expect(throws: CSVReadError(path: "t.csv", line: 2, reason: "a quoted field is never closed"))
    {
      try parse("a,b\n\"open,2\n")
    }
    #expect(throws: CSVReadError(path: "t.csv", line: 0, reason: "empty file")) { try parse("") }
  }

  @Test func localDateTimeForms() throws {
    let exif = try #require(LocalDateTime("2024:05:01 06:12:33"))
    #expect(exif.iso8601 == "2024-05-01T06:12:33")
    #expect(LocalDateTime("2024-05-01T06:12:33.25+02:00")?.iso8601 == "2024-05-01T06:12:33+02:00")
    #expect(LocalDateTime("2024-05-01T06:12:33Z")?.epochSeconds == 1_714_543_953)
    #expect(LocalDateTime("2024-05-01T08:12:33+0200")?.epochSeconds == 1_714_543_953)
    #expect(LocalDateTime("2024-05-01 06:12")?.iso8601 == "2024-05-01T06:12:00")
    #expect(LocalDateTime("2024-05-01")?.iso8601 == "2024-05-01T00:00:00")
    #expect(LocalDateTime("2024-02-30") == nil)
    #expect(LocalDateTime("0000:00:00 00:00:00") == nil)
    #expect(LocalDateTime("2024-05-01T06:12:33 junk") == nil)
    #expect(LocalDateTime("1970-01-01")?.localSeconds == 0)
  }
}
