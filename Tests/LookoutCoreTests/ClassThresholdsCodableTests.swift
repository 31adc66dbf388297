import Foundation
import LookoutCore
import Testing

/// `ClassThresholds` reads and writes the config file's `thresholds` member itself.
@Suite struct ClassThresholdsCodableTests {
  @Test func decodesClassesAndSites() throws {
    let json = #"{"vehicle": 0.6, "person": 0.4, "sites": {"hill": {"person": 0.3}}, "lion": 1}"#
    let t = try JSONDecoder().decode(ClassThresholds.self, from: Data(json.utf8))
    #expect(t.classes == ["vehicle": 0.6, "person": 0.4, "lion": 1])
    #expect(t.sites == ["hill": ["person": 0.3]])
    // Read as written; an unknown class is for `firstInvalidEntry` to name.
    #expect(t.firstInvalidEntry == "lion=1.0")
  }

  @Test func encodesAndReadsBack() throws {
    let t = ClassThresholds(
      classes: ["vehicle": 0.6, "zebra": 0.2, "animal": 0.1, "person": 0.4],
      sites: ["river": ["vehicle": 0.7, "person": 0.35], "hill": ["person": 0.3]])
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let text = String(decoding: try encoder.encode(t), as: UTF8.self)
    #expect(
      text == #"{"animal":0.1,"person":0.4,"sites":{"hill":{"person":0.3},"#
        + #""river":{"person":0.35,"vehicle":0.7}},"vehicle":0.6,"zebra":0.2}"#)
    #expect(try JSONDecoder().decode(ClassThresholds.self, from: Data(text.utf8)) == t)
  }

  @Test func refusesWhatIsNotAThreshold() {
    let cases = [
      (#"{"person": 1.5}"#, "thresholds.person is not a number in 0…1"),
      (#"{"person": "0.5"}"#, "thresholds.person is not a number in 0…1"),
      (#"[0.5]"#, "\"thresholds\" is not an object"),
      (#"{"sites": 3}"#, "\"thresholds.sites\" is not an object"),
      (#"{"sites": {"hill": [1]}}"#, "\"thresholds.sites.hill\" is not an object"),
      (#"{"sites": {"hill": {"person": -0.1}}}"#,
       "thresholds.sites.hill.person is not a number in 0…1"),
    ]
    for (json, reason) in cases {
      #expect(throws: ClassThresholds.DecodingProblem(reason: reason)) {
        _ = try JSONDecoder().decode(ClassThresholds.self, from: Data(json.utf8))
      }
    }
  }
}
