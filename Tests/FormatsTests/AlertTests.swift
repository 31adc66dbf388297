import Crypto
import Foundation
import LookoutCore
import LookoutSystem
import Testing

@testable import Formats

@Suite struct AlertTests {
  @Test func jsonLinesMatchGolden() throws {
    let got = AlertEncoding.jsonLinesDocument(GoldenData.alerts)
    let want = try Fixture.text("alerts.jsonl")
    #expect(
      Array(got.utf8) == Array(want.utf8), "\(firstDifference(Array(got.utf8), Array(want.utf8)))")
  }

  @Test func csvMatchesGolden() throws {
    let got = Array(AlertEncoding.csvDocument(GoldenData.alerts).utf8)
    let want = try Fixture.bytes("alerts.csv")
    #expect(got == want, "\(firstDifference(got, want))")
  }

  @Test func exactLineForAKnownRecord() {
    let alert = AlertRecord(
      id: "0123456789abcdef", file: "DCIM/100/IMG_1.JPG",
      boxes: [AlertBox(label: "person", confidence: 0.91234, bbox: [0.1, 0.2, 0.3, 0.44444])],
      modelVersion: "m1", thresholds: ["vehicle": 0.6, "person": 0.5])
    #expect(
      AlertEncoding.jsonLine(alert)
        == #"{"id":"0123456789abcdef","file":"DCIM/100/IMG_1.JPG","labels":["person"],"best_confidence":0.912,"best_label":"person","boxes":[{"label":"person","conf":0.912,"bbox":[0.1,0.2,0.3,0.4444]}],"captured_at":null,"camera":null,"site":null,"latitude":null,"longitude":null,"altitude":null,"inside_area":null,"model_version":"m1","thresholds":{"person":0.5,"vehicle":0.6}}"#
    )
    #expect(
      AlertEncoding.csvRow(alert)
        == #",,,person,0.912,person,DCIM/100/IMG_1.JPG,,,,,0123456789abcdef,m1,"[{""label"":""person"",""conf"":0.912,""bbox"":[0.1,0.2,0.3,0.4444]}]","{""person"":0.5,""vehicle"":0.6}""#
    )
  }

  /// alerts.csv is for a person: when, where, what and the file first, the JSON cells last.
  @Test func csvHeaderPutsReadableColumnsFirstAndJSONCellsLast() {
    #expect(
      AlertEncoding.csvHeader
        == "captured_at,site,camera,best_label,best_confidence,labels,file,inside_area,latitude,longitude,altitude,id,model_version,boxes,thresholds"
    )
    #expect(
      AlertEncoding.eventCSVHeader
        == "captured_at,site,camera,best_label,best_confidence,labels,file,inside_area,latitude,longitude,altitude,frames,event_start,event_end,event_id,id,model_version,boxes,thresholds,files"
    )
    let listCells: Set<String> = ["boxes", "thresholds", "files"]
    for columns in [AlertEncoding.csvColumns, AlertEncoding.eventCSVColumns] {
      let firstList = columns.firstIndex { listCells.contains($0) } ?? columns.endIndex
      #expect(columns[firstList...].allSatisfy { listCells.contains($0) }, "\(columns)")
      #expect(columns.first == "captured_at")
    }
    // An event alert's row has a cell under every header column, in the header's order.
    var alert = AlertRecord(
      id: "0123456789abcdef", file: "a/IMG_2.JPG",
      boxes: [AlertBox(label: "vehicle", confidence: 0.8, bbox: [0, 0, 1, 1])],
      capturedAt: "2024-05-01T06:12:33", site: "north", modelVersion: "m1",
      thresholds: ["vehicle": 0.6])
    alert.event = AlertEvent(
      id: "e1", start: "2024-05-01T06:12:30", end: "2024-05-01T06:12:40", frames: 3,
      files: ["a/IMG_1.JPG", "a/IMG_2.JPG"])
    #expect(
      AlertEncoding.csvRow(alert)
        == #"2024-05-01T06:12:33,north,,vehicle,0.8,vehicle,a/IMG_2.JPG,,,,,3,2024-05-01T06:12:30,2024-05-01T06:12:40,e1,0123456789abcdef,m1,"[{""label"":""vehicle"",""conf"":0.8,""bbox"":[0.0,0.0,1.0,1.0]}]","{""vehicle"":0.6}",a/IMG_1.JPG;a/IMG_2.JPG"#
    )
  }

  @Test func derivedFieldsFromBoxes() {
    let alert = AlertRecord(
      id: "x", file: "f",
      boxes: [
        AlertBox(label: "vehicle", confidence: 0.7, bbox: [0, 0, 1, 1]),
        AlertBox(label: "person", confidence: 0.7, bbox: [0, 0, 1, 1]),
        AlertBox(label: "person", confidence: 0.6, bbox: [0, 0, 1, 1]),
      ], modelVersion: "m", thresholds: [:])
    #expect(alert.labels == ["person", "vehicle"])
    #expect(alert.bestConfidence == 0.7 && alert.bestLabel == "person")  // tie: label order
    #expect(alert.boxes.map(\.label) == ["person", "vehicle", "person"])
  }

  @Test func csvQuoting() {
    #expect(AlertEncoding.csvField("plain name.jpg") == "plain name.jpg")
    #expect(AlertEncoding.csvField("a,b") == "\"a,b\"")
    #expect(AlertEncoding.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
    #expect(AlertEncoding.csvField("line\nbreak") == "\"line\nbreak\"")
    #expect(AlertEncoding.csvField("cr\rhere") == "\"cr\rhere\"")
    #expect(AlertEncoding.csvField("") == "")
    #expect(AlertEncoding.csvField("ünï 😀; x") == "ünï 😀; x")
  }

  /// OWASP's CSV injection advice: a text cell starting with `=`, `+`, `-`, `@`, a tab or a
  /// carriage return gets a leading apostrophe, so a spreadsheet shows it instead of running it;
  /// number cells (a negative longitude) stay numbers, and alerts.jsonl keeps every value as is.
  @Test func csvTextCellsCannotBecomeFormulas() {
    let alert = AlertRecord(
      id: "0123456789abcdef", file: "=HYPERLINK(\"http://x\",\"y\")/IMG_1.JPG",
      boxes: [AlertBox(label: "person", confidence: 0.9, bbox: [0.1, 0.2, 0.3, 0.4])],
      capturedAt: "2024-05-01T06:12:33", camera: "@SUM(1+1)", site: "+cmd|' /C calc'!A0",
      latitude: -3.5, longitude: -12.5, altitude: -20, insideArea: "-2+3",
      modelVersion: "\tm1", thresholds: ["person": 0.5])
    #expect(
      AlertEncoding.csvRow(alert)
        == #"2024-05-01T06:12:33,'+cmd|' /C calc'!A0,'@SUM(1+1),person,0.9,person,"'=HYPERLINK(""http://x"",""y"")/IMG_1.JPG",'-2+3,-3.5,-12.5,-20.0,0123456789abcdef,'"#
        + "\tm1" + #","[{""label"":""person"",""conf"":0.9,""bbox"":[0.1,0.2,0.3,0.4]}]","{""person"":0.5}""#)
    let carriageReturn = AlertRecord(
      id: "x", file: "\rIMG.JPG",
      boxes: [AlertBox(label: "person", confidence: 1, bbox: [0, 0, 1, 1])], site: "a=b",
      modelVersion: "m", thresholds: [:])
    let row = AlertEncoding.csvRow(carriageReturn)
    #expect(row.hasPrefix(",a=b,,person,1.0,person,\"'\rIMG.JPG\","), "\(row)")
    #expect(row.contains(",a=b,"), "only the first character counts: \(row)")
    // alerts.jsonl is for programs: the values as they are.
    #expect(AlertEncoding.jsonLine(alert).contains(#""site":"+cmd|' /C calc'!A0""#))
  }

  @Test(.enabled(if: python3Path != nil, "needs python3"))
  func csvReadsBackWithPythonCsvModule() throws {
    let csv = AlertEncoding.csvDocument(GoldenData.alerts)
    let out = try runPython(
      """
      import csv, io, json, sys
      rows = list(csv.reader(io.StringIO(sys.stdin.buffer.read().decode('utf-8'), newline='')))
      sys.stdout.write(json.dumps([r[rows[0].index('file')] for r in rows[1:]] + [len(r) for r in rows]))
      """, input: Array(csv.utf8))
    let files = GoldenData.alerts.map { JSONValue.string($0.file) }
    let widths = Array(repeating: JSONValue.integer(15), count: 4)
    #expect(try JSONParser.parse(out) == .array(files + widths))
  }

  @Test func idsAreStable() {
    func id(
      _ path: String = "DCIM/100/IMG_0001.JPG", size: UInt64 = 123_456, sec: Int64 = 1_714_536_753,
      nsec: Int = 0, model: String = "m1"
    ) -> String {
      AlertID.make(
        modelVersion: model, relativePath: path, fileSize: size, modificationSeconds: sec,
        modificationNanoseconds: nsec)
    }
    #expect(id() == id())
    #expect(id().count == 16 && id().allSatisfy { "0123456789abcdef".contains($0) })
    #expect(id(sec: 1_714_536_754) != id())
    #expect(id(nsec: 1) != id())
    #expect(id(size: 123_457) != id())
    #expect(id(model: "m2") != id())
    #expect(id("DCIM/100/IMG_0002.JPG") != id())
    // Field boundaries are unambiguous (NUL separators; paths cannot contain NUL).
    #expect(id("ab", model: "c") != id("b", model: "ca"))
  }

  @Test func idMatchesDocumentedRecipe() {
    // sha256("lookout-alert-v1\0m1\0a/b.jpg\042\01700000000.000000005")[:16], from hashlib.
    let message = "lookout-alert-v1\u{0}m1\u{0}a/b.jpg\u{0}42\u{0}1700000000.000000005"
    let expected = String(SHA256.hexDigest(Array(message.utf8)).prefix(16))
    #expect(
      AlertID.make(
        modelVersion: "m1", relativePath: "a/b.jpg", fileSize: 42,
        modificationSeconds: 1_700_000_000,
        modificationNanoseconds: 5) == expected)
    // The golden alerts.jsonl ids were computed by Python's hashlib.
    #expect(
      GoldenData.alerts.map(\.id) == ["633b5a49e7e1af6b", "1a0f5846a8c0b2c8", "f1012753d3729345"])
  }

  @Test func jsonLineReadsBack() throws {
    for alert in GoldenData.alerts {
      let back = try AlertEncoding.decodeJSONLine(AlertEncoding.jsonLine(alert))
      #expect(back.id == alert.id && back.file == alert.file && back.labels == alert.labels)
      #expect(back.capturedAt == alert.capturedAt && back.site == alert.site)
      #expect(back.latitude == alert.latitude && back.altitude == alert.altitude)
      #expect(back.insideArea == alert.insideArea && back.thresholds == alert.thresholds)
      #expect(back.boxes == AlertEncoding.writtenBoxes(alert.boxes))
      #expect(AlertEncoding.jsonLine(back) == AlertEncoding.jsonLine(alert))
    }
    #expect(throws: AlertDecodeError.self) { try AlertEncoding.decodeJSONLine(#"{"id":"x"}"#) }
  }
}

@Suite struct SummaryTests {
  @Test func matchesGolden() throws {
    let summary = RunSummary(
      tallying: GoldenData.images, alerts: GoldenData.alerts, detectionThreshold: 0.2,
      seconds: 12.3456, modelVersion: GoldenData.modelVersion, thresholds: GoldenData.thresholds,
      startedAt: "2026-11-25T17:18:02Z", finishedAt: "2026-11-25T17:18:14Z")
    #expect(summary.images == 7 && summary.imagesOK == 6 && summary.failures == 1)
    #expect(summary.detectionsByClass == ["animal": 3, "person": 4, "vehicle": 2])
    #expect(summary.alertsByClass == ["person": 2, "vehicle": 2])
    let got = summary.encode()
    let want = try Fixture.bytes("summary.json")
    #expect(got == want, "\(firstDifference(got, want))")
  }

  @Test func emptyRun() throws {
    let summary = RunSummary(
      tallying: [], alerts: [], detectionThreshold: 0.2, seconds: 0, modelVersion: "m",
      thresholds: ["person": 0.5], startedAt: "s", finishedAt: "f")
    #expect(summary.imagesPerSecond == 0)
    let doc = try JSONParser.parse(summary.encode())
    #expect(
      doc["detections"]
        == .object([("animal", .integer(0)), ("person", .integer(0)), ("vehicle", .integer(0))]))
    #expect(doc["alerts"]?["by_class"] == .object([("person", .integer(0))]))
    #expect(doc["failures"]?["by_reason"] == .object([]))
    #expect(doc["skipped"] == nil, "absent when nothing was skipped")
  }
}

@Suite struct TimestampTests {
  @Test func utc() {
    #expect(Timestamp.iso8601UTC(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
    #expect(
      Timestamp.iso8601UTC(Date(timeIntervalSince1970: 1_795_627_082)) == "2026-11-25T17:18:02Z")
    #expect(
      Timestamp.iso8601UTC(Date(timeIntervalSince1970: 951_782_400.25), fractionalDigits: 3)
        == "2000-02-29T00:00:00.250Z")
    #expect(Timestamp.iso8601UTC(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
  }

  @Test func withOffset() {
    let t = Date(timeIntervalSince1970: 1_795_627_082)
    #expect(Timestamp.iso8601(t, utcOffsetSeconds: 7200) == "2026-11-25T19:18:02+02:00")
    #expect(Timestamp.iso8601(t, utcOffsetSeconds: -19800) == "2026-11-25T11:48:02-05:30")
  }

  @Test func fromExif() {
    #expect(Timestamp.iso8601(exifDateTime: "2024:05:01 06:12:33") == "2024-05-01T06:12:33")
    #expect(
      Timestamp.iso8601(exifDateTime: "2024:05:01 06:12:33", offset: "+02:00")
        == "2024-05-01T06:12:33+02:00")
    #expect(
      Timestamp.iso8601(exifDateTime: "2024:05:01 06:12:33", offset: "-0330")
        == "2024-05-01T06:12:33-03:30")
    #expect(
      Timestamp.iso8601(exifDateTime: "2024:05:01 06:12:33", offset: "Z") == "2024-05-01T06:12:33Z")
    #expect(
      Timestamp.iso8601(exifDateTime: "2024:05:01 06:12:33", offset: "junk")
        == "2024-05-01T06:12:33")
    #expect(Timestamp.iso8601(exifDateTime: "2024:05:01 06:12:33\u{0}") == "2024-05-01T06:12:33")
    #expect(Timestamp.iso8601(exifDateTime: "0000:00:00 00:00:00") == nil)
    #expect(Timestamp.iso8601(exifDateTime: "2023:02:29 00:00:00") == nil)
    #expect(Timestamp.iso8601(exifDateTime: "2024:02:29 23:59:59") == "2024-02-29T23:59:59")
    #expect(Timestamp.iso8601(exifDateTime: "    :  :     :  :  ") == nil)
  }
}
