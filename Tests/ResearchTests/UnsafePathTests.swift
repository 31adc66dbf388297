import Foundation
import Formats
import Testing

@testable import Research

/// Paths read from detections and truth files that could lead outside their folder are refused,
/// with the file, the entry and the reason.
@Suite struct UnsafePathTests {
  func detectionsFile(_ files: [String], in dir: String) throws -> String {
    let path = dir + "/detections.json"
    let images = files.map {
      ImageRecord(file: $0, detections: [DetectionRecord(.person, confidence: 0.9, bbox: [0, 0, 0.5, 0.5])])
    }
    try Data(MegaDetectorOutput.encode(images: images, info: RunInfo()))
      .write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test(arguments: ["../x.jpg", "site/../../x.jpg", "/etc/x.jpg", "..\\x.jpg", "C:\\x.jpg"])
  func aDetectionsFileWithAnUnsafePathIsRefused(file: String) throws {
    let dir = try Fixture.scratchFolder("unsafe-detections")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = try detectionsFile(["site/cam/a.jpg", file], in: dir)
    do {
      _ = try DetectionRun.read(path: path)
      Issue.record("\(file) was accepted")
    } catch {
      guard case .detections(let p, let reason) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      // Written sorted by path, so the unsafe entry's index depends on the path.
      let index = try MegaDetectorOutput.decode(Array(Data(contentsOf: URL(fileURLWithPath: path))))
        .images.firstIndex { $0.file == file }
      #expect(p == path)
      #expect(reason.hasPrefix("images[\(index ?? -1)].file "))
      #expect(error.description.hasPrefix("detections \(path): images["))
    }
  }

  @Test func evaluateAndTuneRefuseAnUnsafeDetectionsFile() throws {
    let dir = try Fixture.scratchFolder("unsafe-evaluate")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = try detectionsFile(["../img1.jpg"], in: dir)
    let tune = TuneJob(
      detections: path, truth: [Fixture.path("eval/truth.csv")], goal: .recall(0.9),
      classes: [.person])
    do {
      _ = try tune.run()
      Issue.record("accepted")
    } catch {
      // Refused for the path, not for finding no image of the truth in the run.
      guard case .detections(let p, _) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(p == path)
      #expect(error.description.contains("images[0].file \"../img1.jpg\""))
    }
  }

  @Test func truthCSVRefusesAnUnsafePathNamingTheLine() throws {
    do {
      _ = try TruthCSV.parse(Array("file,label\na.jpg,person\n../b.jpg,person\n".utf8), path: "t.csv")
      Issue.record("accepted")
    } catch {
      guard case .truth(let path, let line, let reason) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(path == "t.csv" && line == 3)
      #expect(reason.hasPrefix("file \"../b.jpg\": "))
    }
  }

  @Test func truthCOCORefusesAnAbsolutePath() throws {
    let json = #"{"images": [{"id": 1, "file_name": "/srv/a.jpg", "width": 10, "height": 10}], "annotations": [], "categories": []}"#
    do {
      _ = try TruthCOCO.parse(Array(json.utf8), path: "c.json")
      Issue.record("accepted")
    } catch {
      #expect(error.description.contains("c.json") && error.description.contains("images[0].file_name"))
    }
  }

  @Test func truthCamtrapDPRefusesAnUnsafeMediaPath() throws {
    let dir = try Fixture.scratchFolder("unsafe-camtrap")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let media = try Fixture.text("truth/media.csv")
    var lines = media.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    // The second data row's filePath goes up and out.
    let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let column = try #require(header.firstIndex(of: "filePath"))
    var row = lines[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    row[column] = "../../outside.jpg"
    lines[2] = row.joined(separator: ",")
    try lines.joined(separator: "\n").write(toFile: dir + "/media.csv", atomically: true, encoding: .utf8)
    try Fixture.text("truth/observations.csv")
      .write(toFile: dir + "/observations.csv", atomically: true, encoding: .utf8)
    do {
      _ = try TruthLoader.read(path: dir + "/observations.csv")
      Issue.record("accepted")
    } catch {
      guard case .truth(let path, let line, let reason) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(path == dir + "/media.csv" && line == 3)
      #expect(reason.hasPrefix("filePath \"../../outside.jpg\": "))
    }
  }
}
