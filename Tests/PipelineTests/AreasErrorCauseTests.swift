import Foundation
import Formats
import Geo
import Testing

@testable import Pipeline

/// `scan --areas` with a file it cannot use: the scan's error carries Geo's own error, with its
/// typed cause, not a flattened string.
@Suite struct AreasErrorCauseTests {
  @Test func anUnreadableAreasFileKeepsItsCause() {
    let path = "/nonexistent-lookout-test/areas.geojson"
    do {
      _ = try AlertingSettings.read(siteThresholds: [:], deploymentsPath: nil, areasPath: path)
      Issue.record("read a file that does not exist")
    } catch {
      guard case .areas(let areas) = error, case .unreadable(let read) = areas.cause else {
        Issue.record("\(error)")
        return
      }
      #expect(read.code == ENOENT)
      #expect(error.description == "protected areas \(path): \(read.reason)")
    }
  }

  @Test func anInvalidAreasDocumentKeepsItsCause() throws {
    let folder = try TemporaryFolder("areas-cause")
    defer { folder.remove() }
    try writeFile(folder.sub("areas.geojson"), Array("[1, 2]".utf8))
    do {
      _ = try AlertingSettings.read(
        siteThresholds: [:], deploymentsPath: nil, areasPath: folder.sub("areas.geojson"))
      Issue.record("read an array as areas")
    } catch {
      guard case .areas(let areas) = error, case .invalid = areas.cause else {
        Issue.record("\(error)")
        return
      }
    }
  }
}
