import Testing

@testable import Formats

/// summary.json's `skipped` member: files on the card that are not images, by kind.
@Suite struct SummarySkippedTests {
  @Test func skippedFilesFollowTheFailures() throws {
    var summary = RunSummary(
      tallying: [], alerts: [], detectionThreshold: 0.2, seconds: 0, modelVersion: "m",
      thresholds: ["person": 0.5], startedAt: "s", finishedAt: "f")
    let before = summary.encode()
    summary.skipped = [
      RunSummary.Skipped(path: "a/IMG_1.CR2", kind: "raw_photo"),
      RunSummary.Skipped(path: "a/MVI_2.MP4", kind: "video"),
      RunSummary.Skipped(path: "b/MVI_3.MP4", kind: "video"),
    ]
    let text = String(decoding: summary.encode(), as: UTF8.self)
    #expect(
      text.contains(
        """
          "failures": {
            "total": 0,
            "by_reason": {}
          },
          "skipped": {
            "total": 3,
            "by_kind": {
              "raw_photo": 1,
              "video": 2
            },
            "files": [
              {
                "path": "a/IMG_1.CR2",
                "kind": "raw_photo"
              },
        """), "\(text)")
    // Everything else is unchanged.
    var doc = try JSONParser.parse(text)
    if case .object(let members) = doc { doc = .object(members.filter { $0.0 != "skipped" }) }
    #expect(doc == (try JSONParser.parse(before)))
  }
}
