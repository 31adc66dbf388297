import LookoutCore
import Testing

@testable import Formats

@Suite struct DeploymentsTests {
  static let csv = """
    deployment_id,latitude,longitude,start,end,path_pattern,camera_id,site,timezone_offset
    rc-cam03-a,-2.5,34.25,2024-05-01,2024-05-31,river-camp/cam03/*,C03,river-camp,+03:00
    rc-cam03-b,-2.5001,34.2501,2024-06-01T10:00:00,2024-06-30,river-camp/cam03,C03,,+03:00
    hill,-2.4,34.1,2024-05-01T00:00:00Z,2024-07-01T00:00:00Z,hill/**/*.JPG,,,

    """

  @Test func parsesAndMatches() throws {
    let file = try DeploymentsFile.parse(Array(Self.csv.utf8), path: "deployments.csv")
    #expect(file.deployments.count == 3)
    let a = file.deployments[0]
    #expect(a.deploymentID == "rc-cam03-a" && a.latitude == -2.5 && a.longitude == 34.25)
    #expect(a.start.iso8601 == "2024-05-01T00:00:00+03:00")
    #expect(a.end.iso8601 == "2024-05-31T23:59:59+03:00")
    #expect(a.cameraID == "C03" && a.site == "river-camp" && a.timezoneOffsetMinutes == 180)
    #expect(file.deployments[1].site == nil)
    #expect(file.deployments[2].start.offsetMinutes == 0)

    let may = LocalDateTime("2024:05:20 12:00:00")
    let june = LocalDateTime("2024:06:02 12:00:00")
    #expect(
      file.deployment(forPath: "river-camp/cam03/IMG_1.JPG", capturedAt: may)?.deploymentID
        == "rc-cam03-a")
    #expect(
      file.deployment(forPath: "river-camp/cam03/d/IMG_1.JPG", capturedAt: june)?.deploymentID
        == "rc-cam03-b")
    #expect(file.deployment(forPath: "river-camp/cam03/IMG_1.JPG")?.deploymentID == "rc-cam03-a")
    #expect(file.deployment(forPath: "river-camp/cam031/IMG_1.JPG") == nil)
    #expect(
      file.deployment(
        forPath: "river-camp/cam03/IMG_1.JPG", capturedAt: LocalDateTime("2024-08-01")) == nil)
    #expect(file.deployment(forPath: "hill/a/b/IMG_9.JPG")?.deploymentID == "hill")
    #expect(file.deployment(forPath: "hill/IMG_9.JPG")?.deploymentID == "hill")
    #expect(file.deployment(forPath: "hill/a/IMG_9.png") == nil)
  }

  @Test func patterns() {
    #expect(DeploymentPathPattern("a/c?m*/*").matches("a/cam03/x.jpg"))
    #expect(!DeploymentPathPattern("a/c?m*/*").matches("a/cm/x.jpg"))
    #expect(DeploymentPathPattern("./a").matches("a/x.jpg"))
    #expect(!DeploymentPathPattern("a/b/c").matches("a/b"))
    #expect(DeploymentPathPattern("**").matches("anything/at/all.jpg"))
  }

  @Test func errorsNameTheLine() {
    func parse(_ body: String) throws {
      _ = try DeploymentsFile.parse(
        Array(("deployment_id,latitude,longitude,start,end,path_pattern\n" + body).utf8),
        path: "d.csv")
    }
    #expect(
      throws: DeploymentsError(path: "d.csv", line: 2, reason: "latitude 91 is outside -90…90")
    ) {
      try parse("x,91,0,2024-01-01,2024-01-02,a/*\n")
    }
    #expect(
      throws: DeploymentsError(path: "d.csv", line: 3, reason: "deployment_id \"x\" appears twice")
    ) {
      try parse("x,1,0,2024-01-01,2024-01-02,a/*\nx,1,0,2024-01-01,2024-01-02,b/*\n")
    }
    #expect(throws: DeploymentsError(path: "d.csv", line: 2, reason: "end is before start")) {
      try parse("x,1,0,2024-01-03,2024-01-02,a/*\n")
    }
    #expect(
      throws: DeploymentsError(
        path: "d.csv", line: 2, reason: "start \"soon\" is not a date or date-time")
    ) {
      try parse("x,1,0,soon,2024-01-02,a/*\n")
    }
    #expect(throws: DeploymentsError(path: "d.csv", line: 2, reason: "empty path_pattern")) {
      try parse("x,1,0,2024-01-01,2024-01-02,\n")
    }
    #expect(throws: DeploymentsError(path: "e.csv", line: 1, reason: "no \"path_pattern\" column"))
    {
      _ = try DeploymentsFile.parse(
        Array("deployment_id,latitude,longitude,start,end\n".utf8), path: "e.csv")
    }
  }

  @Test func optionalDatesLeaveTheDeploymentOpen() throws {
    let csv = """
      deployment_id,latitude,longitude,path_pattern,start,end,timezone_offset
      fixed,-2.5,34.25,gate/cam1,,,+03:00
      from,-2.5,34.25,gate/cam2,2024-05-01,,
      until,-2.5,34.25,gate/cam3,,2024-05-01,

      """
    let file = try DeploymentsFile.parse(Array(csv.utf8), path: "d.csv", dates: .optional)
    let fixed = file.deployments[0]
    #expect(fixed.start == LocalDateTime.earliest.withOffset(180))
    #expect(fixed.end == LocalDateTime.latest.withOffset(180))
    #expect(
      fixed.covers(LocalDateTime("1970-01-01")!) && fixed.covers(LocalDateTime("2999-12-31")!))
    #expect(file.deployments[1].end == .latest)
    #expect(!file.deployments[1].covers(LocalDateTime("2024-04-30T23:59:59")!))
    #expect(file.deployments[2].start == .earliest)
    #expect(file.deployments[2].end.iso8601 == "2024-05-01T23:59:59")
    // No date columns at all.
    let bare = try DeploymentsFile.parse(
      Array("deployment_id,latitude,longitude,path_pattern\nx,1,2,a\n".utf8), path: "d.csv",
      dates: .optional)
    #expect(bare.deployments.first?.start == .earliest)
    // A date that is given must still be one, and required dates stay required.
    #expect(
      throws: DeploymentsError(
        path: "d.csv", line: 2, reason: "end \"later\" is not a date or date-time")
    ) {
      _ = try DeploymentsFile.parse(
        Array("deployment_id,latitude,longitude,path_pattern,end\nx,1,2,a,later\n".utf8),
        path: "d.csv", dates: .optional)
    }
    #expect(throws: DeploymentsError(path: "d.csv", line: 2, reason: "empty start")) {
      _ = try DeploymentsFile.parse(Array(csv.utf8), path: "d.csv")
    }
  }
}
