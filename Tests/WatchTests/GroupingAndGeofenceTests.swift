import Formats
import Foundation
import Geo
import LookoutCore
import LookoutSystem
import Pipeline
import Testing

@testable import Watch

@Suite struct GroupingAndGeofenceTests {
  @Test func aBurstGivesOneAlertWithItsBestFrame() async throws {
    var h = WatchHarness("grouping")
    defer { h.folder.remove() }
    h.configuration.groupWindowSeconds = 60
    h.put("siteA/cam1/IMG_0001.JPG", "person 0.6\ncaptured 2024-05-01T06:12:00")
    h.put("siteA/cam1/IMG_0002.JPG", "person 0.9\ncaptured 2024-05-01T06:12:05")
    h.put("siteA/cam1/IMG_0003.JPG", "person 0.7\ncaptured 2024-05-01T06:12:10")
    h.put("siteA/cam2/IMG_0001.JPG", "person 0.8\ncaptured 2024-05-01T06:12:03")
    h.put("siteA/cam1/IMG_0004.JPG", "vehicle 0.8\ncaptured 2024-05-01T06:12:12")
    h.put("siteA/cam1/IMG_0005.JPG", "person 0.95\ncaptured 2024-05-01T09:00:00")
    let summary = try await h.runOnce()
    #expect(summary.processed == 6)
    #expect(summary.alertsNew == 4)
    #expect(summary.alertsUpdated == 2)
    let alerts = try h.alerts()
    let burst = try #require(alerts.first { $0.frameCount == 3 })
    #expect(burst.revision == 3)
    #expect(burst.bestFile == "siteA/cam1/IMG_0002.JPG")
    #expect(burst.label == "person")
    #expect(Set(alerts.map(\.frameCount)) == [3, 1])
    // alerts.jsonl's last line for the burst is its latest revision.
    let latest = try #require(h.latestPayloads()[burst.id])
    #expect(latest["frame_count"] as? Int == 3)
    #expect(latest["revision"] as? Int == 3)
    #expect(latest["file"] as? String == "siteA/cam1/IMG_0002.JPG")
    #expect(latest["event"] as? String == "alert.updated")
    #expect(
      latest["frames"] as? [String] == [
        "siteA/cam1/IMG_0001.JPG", "siteA/cam1/IMG_0002.JPG", "siteA/cam1/IMG_0003.JPG",
      ])
    // The burst's id is its first frame's alert id: stable across runs.
    #expect(burst.id == latest["id"] as? String)
  }

  @Test func aFollowUpInALaterRunUpdatesTheOpenAlert() async throws {
    var h = WatchHarness("follow-up")
    defer { h.folder.remove() }
    h.configuration.groupWindowSeconds = 60
    h.put("cam1/IMG_0001.JPG", "person 0.6\ncaptured 2024-05-01T06:12:00")
    #expect(try await h.runOnce().alertsNew == 1)
    h.put("cam1/IMG_0002.JPG", "person 0.7\ncaptured 2024-05-01T06:12:30")
    let second = try await h.runOnce()
    #expect(second.alertsNew == 0)
    #expect(second.alertsUpdated == 1)
    let lines = TestFiles.lines(h.jsonl)
    #expect(lines.count == 2)
    #expect(lines[1].contains(#""revision":2"#))
    #expect(try h.alerts().count == 1)
  }

  @Test func perClassAndPerSiteThresholds() async throws {
    var h = WatchHarness("thresholds")
    defer { h.folder.remove() }
    h.configuration.thresholds = ClassThresholds(
      classes: ["person": 0.8], sites: ["strict": ["vehicle": 0.95], "lax": ["person": 0.2]])
    h.put("normal/cam/a.jpg", "person 0.7")  // below 0.8
    h.put("normal/cam/b.jpg", "person 0.85")
    h.put("strict/cam/c.jpg", "vehicle 0.9")  // below the site's 0.95
    h.put("lax/cam/d.jpg", "person 0.3")
    let summary = try await h.runOnce()
    #expect(summary.alertsNew == 2)
    #expect(Set(try h.alerts().map(\.bestFile)) == ["normal/cam/b.jpg", "lax/cam/d.jpg"])
  }

  static let areas = """
    {"type": "FeatureCollection", "features": [
      {"type": "Feature", "properties": {"name": "Core zone"},
       "geometry": {"type": "Polygon", "coordinates": [
         [[36.0, -4.0], [37.0, -4.0], [37.0, -3.0], [36.0, -3.0], [36.0, -4.0]],
         [[36.4, -3.6], [36.6, -3.6], [36.6, -3.4], [36.4, -3.4], [36.4, -3.6]]]}}]}
    """
  static let deployments = """
    deployment_id,latitude,longitude,path_pattern,start,end,camera_id,site,timezone_offset
    gate-2024,-3.2,36.2,gate/cam1,2024-01-01,2024-12-31,CAM-17,Gate,+03:00
    village,-2.0,35.0,village/*,,,,,
    """

  private func geofenced(_ name: String, policy: GeofencePolicy) async throws -> (
    PassSummary, [String: [String: Any]]
  ) {
    var h = WatchHarness(name)
    defer { h.folder.remove() }
    TestFiles.write(Self.areas, to: h.folder.path + "/areas.geojson")
    TestFiles.write(Self.deployments, to: h.folder.path + "/deployments.csv")
    h.configuration.geofence = GeofenceSettings(
      areasPath: h.folder.path + "/areas.geojson",
      deploymentsPath: h.folder.path + "/deployments.csv", policy: policy)
    h.put("drone/a-inside.jpg", "person 0.9\ngps -3.2 36.3")
    h.put("drone/b-in-hole.jpg", "person 0.9\ngps -3.5 36.5")
    h.put("gate/cam1/c-deployment.jpg", "person 0.9\ncaptured 2024-05-01T06:00:00")
    h.put("village/cam9/d-outside.jpg", "vehicle 0.9")
    h.put("unknown/e-nowhere.jpg", "person 0.9")
    let summary = try await h.runOnce()
    var byFile: [String: [String: Any]] = [:]
    for payload in h.latestPayloads().values { byFile[payload["file"] as! String] = payload }
    return (summary, byFile)
  }

  @Test func everyAlertSaysWhetherItIsInsideAndWhere() async throws {
    let (summary, alerts) = try await geofenced("geofence-all", policy: .all)
    #expect(summary.alertsNew == 5)
    let inside = try #require(alerts["drone/a-inside.jpg"])
    #expect(inside["inside_protected_area"] as? Bool == true)
    #expect(inside["inside_area"] as? String == "Core zone")
    #expect(inside["location_source"] as? String == "exif")
    let hole = try #require(alerts["drone/b-in-hole.jpg"])
    #expect(hole["inside_protected_area"] as? Bool == false)
    #expect(hole["inside_area"] is NSNull)
    let deployed = try #require(alerts["gate/cam1/c-deployment.jpg"])
    #expect(deployed["location_source"] as? String == "deployment")
    #expect(deployed["deployment"] as? String == "gate-2024")
    #expect(deployed["latitude"] as? Double == -3.2)
    #expect(deployed["camera"] as? String == "CAM-17")
    #expect(deployed["site"] as? String == "Gate")
    #expect(deployed["captured_at"] as? String == "2024-05-01T06:00:00+03:00")
    #expect(deployed["inside_protected_area"] as? Bool == true)
    #expect(alerts["village/cam9/d-outside.jpg"]?["inside_protected_area"] as? Bool == false)
    #expect(alerts["unknown/e-nowhere.jpg"]?["inside_protected_area"] is NSNull)
  }

  @Test func thePolicyDecidesWhatAlerts() async throws {
    let (inside, insideAlerts) = try await geofenced("geofence-inside", policy: .inside)
    #expect(inside.alertsNew == 2)
    #expect(inside.alertsSuppressed == 3)
    #expect(Set(insideAlerts.keys) == ["drone/a-inside.jpg", "gate/cam1/c-deployment.jpg"])
    let (orUnknown, orUnknownAlerts) = try await geofenced(
      "geofence-unknown", policy: .insideOrUnknown)
    #expect(orUnknown.alertsNew == 3)
    #expect(orUnknownAlerts["unknown/e-nowhere.jpg"] != nil)
  }

  @Test func deploymentsFileRules() throws {
    let folder = TestFolder("deployments")
    defer { folder.remove() }
    func read(_ text: String) throws(DeploymentsError) -> DeploymentsFile {
      TestFiles.write(text, to: folder.path + "/d.csv")
      return try DeploymentsFile.readForPlacement(path: folder.path + "/d.csv")
    }
    let table = try read(Self.deployments)
    #expect(table.deployments.count == 2)
    let gate = try #require(table.deployment(forPath: "gate/cam1/x.jpg", capturedLocal: nil))
    #expect(gate.start.iso8601 == "2024-01-01T00:00:00+03:00")
    #expect(gate.end.iso8601 == "2024-12-31T23:59:59+03:00")
    #expect(gate.timezoneOffsetMinutes == 180)
    #expect(
      table.deployment(forPath: "gate/cam1/x.jpg", capturedLocal: "2025-01-01T00:00:00") == nil)
    #expect(table.deployment(forPath: "gate/cam10/x.jpg", capturedLocal: nil) == nil)
    // Without dates a deployment covers any capture time.
    let village = table.deployment(
      forPath: "village/any/deeper/x.jpg", capturedLocal: "1999-01-01T00:00:00")
    #expect(village?.deploymentID == "village")
    #expect(village?.start == .earliest && village?.end == .latest)
    #expect(DeploymentPathPattern("**/cam3").matches("r/2024/cam3/x.jpg"))
    // Errors are the Formats parser's: file, line and reason.
    let path = folder.path + "/d.csv"
    #expect(
      throws: DeploymentsError(
        path: path, line: 2, reason: "latitude \"north\" is not a number")
    ) {
      _ = try read("deployment_id,latitude,longitude,path_pattern\nx,north,1,a\n")
    }
    #expect(
      throws: DeploymentsError(
        path: path, line: 3, reason: "end is before start")
    ) {
      _ = try read(
        "deployment_id,latitude,longitude,path_pattern,start,end\n"
          + "x,1,1,a,,\ny,1,1,b,2024-05-02,2024-05-01\n")
    }
    #expect(
      throws: DeploymentsError(
        path: path, line: 1, reason: "no \"deployment_id\" column")
    ) {
      _ = try read("id,lat\n")
    }
    #expect(
      throws: DeploymentsError(
        file: FileIOError(path: folder.path + "/missing.csv", step: .open, code: ENOENT))
    ) {
      _ = try DeploymentsFile.readForPlacement(path: folder.path + "/missing.csv")
    }
    // watch keeps the reader's error as its cause, worded as before.
    let cause = DeploymentsError(path: "d.csv", line: 2, reason: "end is before start")
    #expect(
      WatchError.deployments(cause).description
        == "deployments d.csv: line 2: end is before start")
    #expect(
      WatchError.deployments(DeploymentsError(path: "d.csv", line: 0, reason: "unreadable"))
        .description == "deployments d.csv: unreadable")
  }
}
