import Foundation
import Formats
import LookoutCore
import Testing

@testable import Research

/// Exports Fixtures/eval (thresholds animal 0.4, person 0.5, vehicle 0.6) with
/// Fixtures/eval/deployments.csv. By hand: img8 and img9 (2024-05-04) fall after siteB-cam1's
/// end, img10 failed, so img1…img7 are media. Observations: img1 person 0.9; img2 vehicle 0.7
/// and person 0.55; img3 animal 0.45; img4 animal 0.8; img5 blank (its person 0.35 is below);
/// img6 vehicle 0.65; img7 person 0.6 = 8. Media with people, not public: img1, img2, img7.
@Suite struct CamtrapDPExportTests {
  func export() throws -> (folder: String, summary: CamtrapDPExport.Summary) {
    let folder = try Fixture.scratchFolder("camtrap")
    let job = CamtrapDPExport(
      detections: Fixture.path("eval/detections.json"),
      deploymentsPath: Fixture.path("eval/deployments.csv"), outputFolder: folder + "/package",
      title: "Test export", contributor: "Field Team", contributorEmail: "team@example.org",
      created: Date(timeIntervalSince1970: 1_717_000_000))
    return (folder, try job.run())
  }

  /// Exports Fixtures/eval's detections as `change` alters them, into `<folder>/package`.
  func exportChanged(
    in folder: String, _ change: (inout MegaDetectorResults) throws -> Void
  ) throws -> CamtrapDPExport.Summary {
    var results = try MegaDetectorOutput.decode(
      Array(try Data(contentsOf: URL(fileURLWithPath: Fixture.path("eval/detections.json")))))
    try change(&results)
    let detections = folder + "/detections.json"
    try Data(MegaDetectorOutput.encode(images: results.images, info: results.info))
      .write(to: URL(fileURLWithPath: detections))
    let job = CamtrapDPExport(
      detections: detections, deploymentsPath: Fixture.path("eval/deployments.csv"),
      outputFolder: folder + "/package", title: "Test export", contributor: "Field Team",
      contributorEmail: "team@example.org", created: Date(timeIntervalSince1970: 1_717_000_000))
    return try job.run()
  }

  func table(_ path: String) throws -> CSVTable {
    try CSVReader.read(path: path)
  }

  /// A clip (Fixtures/eval's img1 as a video): video media, observations at event level.
  @Test func aClipIsVideoMediaWithEventLevelObservations() throws {
    let folder = try Fixture.scratchFolder("camtrap-clip")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let summary = try exportChanged(in: folder) { results in
      var clip = try #require(results.images.first { $0.file == "siteA/cam1/img1.jpg" })
      clip.file = "siteA/cam1/MVI_0001.MP4"
      clip.frameRate = 30
      clip.framesProcessed = [0, 30, 75]
      clip.detections = clip.detections?.map { detection in
        var detection = detection
        detection.frameNumber = 30
        return detection
      }
      results.images.append(clip)
    }
    #expect(summary.media == 8)
    let media = try table(folder + "/package/media.csv")
    let clipMedia = try #require(
      media.rows.first { $0.fields[media.column("fileName")!] == "MVI_0001.MP4" })
    #expect(clipMedia.fields[media.column("fileMediatype")!] == "video/mp4")
    let obs = try table(folder + "/package/observations.csv")
    let clipID = CamtrapDPExport.mediaID("siteA/cam1/MVI_0001.MP4")
    let clipRows = obs.rows.filter {
      $0.fields[obs.column("observationID")!].hasPrefix(clipID + "-")
    }
    #expect(clipRows.count == 1)
    for row in clipRows {
      #expect(row.fields[obs.column("observationLevel")!] == "event")
      #expect(row.fields[obs.column("mediaID")!] == "")
      #expect(row.fields[obs.column("eventID")!] == clipID)
      #expect(row.fields[obs.column("observationType")!] == "human")
      // It lasts until its last scanned frame: frame 75 at 30 fps, 2 whole seconds in.
      let start = try #require(LocalDateTime(row.fields[obs.column("eventStart")!]))
      let end = try #require(LocalDateTime(row.fields[obs.column("eventEnd")!]))
      #expect(end == start.adding(seconds: 2), "\(start) to \(end)")
    }
    // The photo's rows are unchanged: media level.
    #expect(
      obs.rows.filter { $0.fields[obs.column("observationLevel")!] == "media" }.count == 8)
  }

  /// A frame rate that makes no sense (from a hand-edited detections.json) leaves the clip's
  /// event end at its start instead of trapping on the conversion.
  @Test func aClipWithAnAbsurdFrameRateEndsAtItsStart() throws {
    let folder = try Fixture.scratchFolder("camtrap-clip-rate")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    _ = try exportChanged(in: folder) { results in
      var clip = try #require(results.images.first { $0.file == "siteA/cam1/img1.jpg" })
      clip.file = "siteA/cam1/MVI_0002.MP4"
      clip.frameRate = 1e-300
      clip.framesProcessed = [0, 5]
      results.images.append(clip)
    }
    let obs = try table(folder + "/package/observations.csv")
    let clipID = CamtrapDPExport.mediaID("siteA/cam1/MVI_0002.MP4")
    let row = try #require(
      obs.rows.first { $0.fields[obs.column("observationID")!].hasPrefix(clipID + "-") })
    #expect(row.fields[obs.column("eventEnd")!] == row.fields[obs.column("eventStart")!])
  }

  @Test func tablesHaveTheHandCheckedContent() throws {
    let (folder, summary) = try export()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    #expect(summary.deployments == 3 && summary.media == 7 && summary.observations == 8)
    #expect(summary.privateMedia == 3 && summary.failed == 1)
    #expect(summary.withoutDeployment == ["siteB/cam1/img8.jpg", "siteB/cam1/img9.jpg"])

    let media = try table(folder + "/package/media.csv")
    #expect(media.header == CamtrapDPTables.media)
    func column(_ t: CSVTable, _ name: String) -> [String] {
      t.rows.map { $0.fields[t.column(name)!] }
    }
    #expect(column(media, "fileName") == (1...7).map { "img\($0).jpg" })
    #expect(
      column(media, "filePublic") == ["false", "false", "true", "true", "true", "true", "false"])
    #expect(column(media, "timestamp")[0] == "2024-05-01T06:00:00+03:00")
    #expect(
      column(media, "deploymentID") == [
        "siteA-cam1", "siteA-cam1", "siteA-cam2", "siteA-cam2", "siteB-cam1", "siteB-cam1",
        "siteB-cam1",
      ])
    #expect(column(media, "mediaID")[0] == CamtrapDPExport.mediaID("siteA/cam1/img1.jpg"))
    #expect(column(media, "fileMediatype").allSatisfy { $0 == "image/jpeg" })

    let obs = try table(folder + "/package/observations.csv")
    #expect(obs.header == CamtrapDPTables.observations)
    #expect(
      column(obs, "observationType") == [
        "human", "vehicle", "human", "animal", "animal", "blank", "vehicle", "human",
      ])
    #expect(
      column(obs, "classificationProbability") == [
        "0.9", "0.7", "0.55", "0.45", "0.8", "", "0.65", "0.6",
      ])
    let first = obs.rows[0]
    func value(_ name: String) -> String { first.fields[obs.column(name)!] }
    #expect(
      [value("bboxX"), value("bboxY"), value("bboxWidth"), value("bboxHeight")] == [
        "0.1", "0.1", "0.2", "0.2",
      ])
    #expect(value("observationLevel") == "media" && value("count") == "1")
    #expect(
      value("eventStart") == "2024-05-01T06:00:00+03:00"
        && value("classifiedBy") == "lookout-det v0.1.0")
    #expect(value("classificationMethod") == "machine")

    let deployments = try table(folder + "/package/deployments.csv")
    #expect(column(deployments, "deploymentStart")[0] == "2024-04-01T00:00:00+03:00")
    #expect(column(deployments, "deploymentEnd")[0] == "2024-06-30T23:59:59+03:00")
    #expect(column(deployments, "locationName")[0] == "River bend, north")

    let package = try JSONParser.parse(
      Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/package/datapackage.json"))))
    #expect(
      package["profile"]?.stringValue
        == "https://raw.githubusercontent.com/tdwg/camtrap-dp/1.0/camtrap-dp-profile.json")
    #expect(package["created"]?.stringValue == "2024-05-29T16:26:40Z")
    #expect(package["temporal"]?["start"]?.stringValue == "2024-04-01")
    #expect(package["temporal"]?["end"]?.stringValue == "2024-06-30")
    #expect(
      package["spatial"]?["bbox"]?.arrayValue?.compactMap(\.doubleValue) == [
        34.1, -2.52, 34.27, -2.4,
      ])
    #expect(
      package["resources"]?.arrayValue?.compactMap { $0["schema"]?.stringValue } == [
        "https://raw.githubusercontent.com/tdwg/camtrap-dp/1.0/deployments-table-schema.json",
        "https://raw.githubusercontent.com/tdwg/camtrap-dp/1.0/media-table-schema.json",
        "https://raw.githubusercontent.com/tdwg/camtrap-dp/1.0/observations-table-schema.json",
      ])
  }

  @Test func observationsCarryTheirImagesEvent() throws {
    let folder = try Fixture.scratchFolder("camtrap-events")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    _ = try exportChanged(in: folder) { results in
      // img1 and img2 (siteA-cam1, no offset in EXIF: the deployment's +03:00 applies).
      for i in results.images.indices where results.images[i].file.hasPrefix("siteA/cam1/") {
        results.images[i].event = ImageEvent(
          id: "siteA-cam1#1", start: "2024-05-01T06:00:00", end: "2024-05-01T06:00:40",
          frames: 2, timeSource: .exif)
      }
    }
    let obs = try table(folder + "/package/observations.csv")
    func column(_ name: String) -> [String] { obs.rows.map { $0.fields[obs.column(name)!] } }
    // img1 has one observation, img2 two; img3 (siteA-cam2) has no event.
    #expect(column("eventID").prefix(4) == ["siteA-cam1#1", "siteA-cam1#1", "siteA-cam1#1", ""])
    #expect(column("eventStart")[0] == "2024-05-01T06:00:00+03:00")
    #expect(column("eventEnd")[0] == "2024-05-01T06:00:40+03:00")
    #expect(column("eventEnd")[3] == column("eventStart")[3])
  }

  /// A detection marked static in detections.json keeps its observation, tagged and explained;
  /// the others get neither.
  @Test func staticDetectionsAreTaggedObservations() throws {
    let folder = try Fixture.scratchFolder("camtrap-static")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let summary = try exportChanged(in: folder) { results in
      // img2's vehicle 0.7 is the stump of its camera.
      let img2 = try #require(results.images.firstIndex { $0.file.hasSuffix("img2.jpg") })
      let vehicle = try #require(
        results.images[img2].detections?.firstIndex { $0.category == 3 && $0.confidence == 0.7 })
      results.images[img2].detections![vehicle].isStatic = true
    }
    #expect(summary.observations == 8)
    let obs = try table(folder + "/package/observations.csv")
    let tagged = obs.rows.filter { $0.fields[obs.column("observationTags")!] == "static:true" }
    #expect(tagged.count == 1)
    #expect(tagged.first?.fields[obs.column("observationType")!] == "vehicle")
    #expect(tagged.first?.fields[obs.column("classificationProbability")!] == "0.7")
    #expect(
      tagged.first?.fields[obs.column("observationComments")!] == CamtrapDPExport.staticComment)
    let untagged = obs.rows.filter { $0.fields[obs.column("observationTags")!].isEmpty }
    #expect(untagged.count == 7)
  }

  @Test func deploymentsWithoutOffsetAreRefused() throws {
    let folder = try Fixture.scratchFolder("camtrap-offset")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try "deployment_id,latitude,longitude,start,end,path_pattern\nd1,1,2,2024-01-01,2024-12-31,*\n"
      .write(toFile: folder + "/d.csv", atomically: true, encoding: .utf8)
    let job = CamtrapDPExport(
      detections: Fixture.path("eval/detections.json"), deploymentsPath: folder + "/d.csv",
      outputFolder: folder + "/p", contributor: "x")
    #expect(throws: ResearchError.self) { try job.run() }
  }

  @Test(
    .enabled(
      if: Python.withFrictionless != nil || ProcessInfo.processInfo.environment["CI"] == "true",
      "needs Python with frictionless (pip install frictionless); required under CI"))
  func validatesWithFrictionless() throws {
    let (folder, _) = try export()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let script = Python.repositoryRoot + "/scripts/validate_camtrap_dp.py"
    let python = try #require(Python.withFrictionless, "Python with frictionless is not installed")
    let result = try Python.run(python, [script, folder + "/package"])
    #expect(result.status == 0, "\(result.output)")
    #expect(result.output.contains("valid Camtrap DP 1.0 package"))
    #expect(result.output.contains("'observations': 8"))

    // The validator does catch mistakes: a bad observationType and a timestamp without offset.
    let obsPath = folder + "/package/observations.csv"
    var text = try String(contentsOfFile: obsPath, encoding: .utf8)
    text = text.replacingOccurrences(of: ",human,", with: ",person,")
    try text.write(toFile: obsPath, atomically: true, encoding: .utf8)
    let mediaPath = folder + "/package/media.csv"
    let media = try String(contentsOfFile: mediaPath, encoding: .utf8)
      .replacingOccurrences(of: "2024-05-01T06:00:00+03:00", with: "2024-05-01T06:00:00")
    try media.write(toFile: mediaPath, atomically: true, encoding: .utf8)
    let broken = try Python.run(python, [script, folder + "/package"])
    #expect(broken.status == 1, "\(broken.output)")
    #expect(broken.output.contains("observations") && broken.output.contains("media"))
  }
}
