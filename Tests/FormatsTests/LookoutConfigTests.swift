import Foundation
import LookoutCore
import LookoutSystem
import Testing

@testable import Formats

@Suite struct LookoutConfigTests {
  @Test func replacesOnlyThresholdsKeepingOrder() throws {
    let text = """
      {"model_dir": "Models", "thresholds": {"person": 0.5}, "jobs": 2, "notify": {"x": [1, 2]}}
      """
    let config = try LookoutConfig.parse(Array(text.utf8), path: "c.json")
    #expect(try config.thresholds().classes == ["person": 0.5])
    let updated = config.settingThresholds(
      ClassThresholds(
        classes: ["vehicle": 0.5, "person": 0.42, "animal": 0.3],
        sites: ["river-camp": ["person": 0.35]]))
    #expect(
      updated.text() == """
        {
          "model_dir": "Models",
          "thresholds": {
            "animal": 0.3,
            "person": 0.42,
            "vehicle": 0.5,
            "sites": {
              "river-camp": {
                "person": 0.35
              }
            }
          },
          "jobs": 2,
          "notify": {
            "x": [
              1,
              2
            ]
          }
        }

        """)
    let back = try LookoutConfig.parse(Array(updated.text().utf8), path: "c.json").thresholds()
    #expect(back.threshold(for: "person", site: "river-camp") == 0.35)
    #expect(back.threshold(for: "person", site: "hill") == 0.42)
    #expect(back.threshold(for: "vehicle") == 0.5)
  }

  @Test func appendsWhenAbsentAndWritesAtomically() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "lookout-config-\(UInt64.random(in: 0...UInt64.max))")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("lookout.json").path
    let empty = try LookoutConfig.read(path: path, missingIsEmpty: true)
    #expect(empty.members.isEmpty)
    // A missing file keeps the failed step and its errno; the text says each once.
    let missing = LookoutConfigError.file(FileIOError(path: path, step: .open, code: ENOENT))
    #expect(throws: missing) { try LookoutConfig.read(path: path) }
    #expect(missing.description == "config file \(path): no such file or directory (ENOENT)")
    try LookoutConfig(members: [("a", .integer(1))])
      .settingThresholds(ClassThresholds(classes: ["person": 0.25])).write(to: path)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text == "{\n  \"a\": 1,\n  \"thresholds\": {\n    \"person\": 0.25\n  }\n}\n")
  }

  @Test func rejectsBadThresholds() {
    #expect(
      throws: LookoutConfigError.invalid(path: "c.json", reason: "thresholds.person is not a number in 0…1")
    ) {
      _ = try LookoutConfig.parse(Array(#"{"thresholds": {"person": 1.5}}"#.utf8), path: "c.json")
    }
    #expect(throws: LookoutConfigError.invalid(path: "c.json", reason: "not a JSON object")) {
      _ = try LookoutConfig.parse(Array("[1]".utf8), path: "c.json")
    }
    #expect {
      _ = try LookoutConfig.parse(Array("{\"thresholds\": ".utf8), path: "c.json")
    } throws: { error in
      guard case LookoutConfigError.notJSON(let path, let cause) = error else { return false }
      return path == "c.json" && (error as! LookoutConfigError).reason == cause.description
    }
  }

  @Test func otherToolsMembersAreReachable() throws {
    let text = #"{"watch": {"inbox": "in"}, "thresholds": {}, "watch": 2}"#
    let config = try LookoutConfig.parse(Array(text.utf8), path: "c.json")
    #expect(config.member("watch") == .object([("inbox", .string("in"))]))
    #expect(config.member("tune") == nil)
  }
}
