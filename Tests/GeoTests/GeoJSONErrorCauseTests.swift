import Formats
import Foundation
import Testing

@testable import Geo

/// An areas file that cannot be used keeps its cause typed: the read's `FileIOError`, the
/// parser's `JSONParseError`, or what is wrong with the document, and says it as before.
@Suite struct GeoJSONErrorCauseTests {
  @Test func anUnreadableFileKeepsTheReadsError() {
    let path = "/nonexistent-lookout-test/areas.geojson"
    do {
      _ = try GeoJSONAreaReader.read(path: path)
      Issue.record("read a file that does not exist")
    } catch {
      guard case .unreadable(let read) = error.cause else {
        Issue.record("cause: \(error.cause)")
        return
      }
      #expect(read.code == ENOENT)
      #expect(error.description == "protected areas \(path): \(read.reason)")
    }
  }

  @Test func textThatIsNotJSONKeepsTheParsersError() {
    do {
      _ = try GeoJSONAreaReader.parse(Array("{\"type\":".utf8), path: "a.geojson")
      Issue.record("parsed broken JSON")
    } catch {
      guard case .notJSON(let parse) = error.cause else {
        Issue.record("cause: \(error.cause)")
        return
      }
      #expect(error.description == "protected areas a.geojson: \(parse.description)")
    }
  }

  @Test func aDocumentThatIsNotGeoJSONSaysWhy() {
    do {
      _ = try GeoJSONAreaReader.parse(Array("{}".utf8), path: "a.geojson")
      Issue.record("parsed {}")
    } catch {
      #expect(error.cause == .invalid("no \"type\" member"))
      #expect(error.description == "protected areas a.geojson: no \"type\" member")
    }
  }
}
