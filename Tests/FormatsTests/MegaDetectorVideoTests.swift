import Formats
import Testing

/// Video clips in detections.json as MegaDetector's video tools write them: `frame_rate` and
/// `frames_processed` for the file, `frame_number` for each detection; images unchanged.
@Suite struct MegaDetectorVideoTests {
  static let clip: ImageRecord = {
    var record = ImageRecord(
      file: "DCIM/MVI_0001.MP4",
      detections: [
        DetectionRecord(category: 2, confidence: 0.8713, bbox: [0.1, 0.2, 0.3, 0.4], frameNumber: 20)
      ],
      width: 1920, height: 1080)
    record.frameRate = 29.97
    record.framesProcessed = [0, 30, 60]
    return record
  }()

  @Test func aClipIsWrittenWithItsFrameRateFramesAndFrameNumbers() {
    let bytes = MegaDetectorOutput.encode(images: [Self.clip], info: RunInfo())
    let text = String(decoding: bytes, as: UTF8.self)
    #expect(
      text.contains(
        """
           "file": "DCIM/MVI_0001.MP4",
           "frame_rate": 29.97,
           "frames_processed": [
            0,
            30,
            60
           ],
           "detections": [
            {
             "category": "2",
             "conf": 0.871,
             "bbox": [
              0.1,
              0.2,
              0.3,
              0.4
             ],
             "frame_number": 20
            }
           ],
        """), "\(text)")
  }

  @Test func aClipReadsBackAsWritten() throws {
    let image = ImageRecord(
      file: "DCIM/IMG_0001.JPG",
      detections: [DetectionRecord(category: 1, confidence: 0.5, bbox: [0, 0, 1, 1])])
    let bytes = MegaDetectorOutput.encode(images: [Self.clip, image], info: RunInfo())
    let decoded = try MegaDetectorOutput.decode(bytes)
    #expect(decoded.images == MegaDetectorOutput.normalized([Self.clip, image]))
    // Written by file: the image first.
    #expect(decoded.images[0].frameRate == nil && decoded.images[0].framesProcessed == nil)
    #expect(decoded.images[0].detections?[0].frameNumber == nil)
    #expect(decoded.images[1].detections?[0].frameNumber == 20)
    // An image's entry has none of the video members.
    let imageOnly = String(
      decoding: MegaDetectorOutput.encode(images: [image], info: RunInfo()), as: UTF8.self)
    #expect(!imageOnly.contains("frame"))
  }

  @Test func aClipsAlertNamesItsBestFrame() throws {
    var alert = AlertRecord(
      id: "0123456789abcdef", file: "DCIM/MVI_0001.MP4",
      boxes: [AlertBox(label: "person", confidence: 0.9, bbox: [0.1, 0.2, 0.3, 0.4])],
      capturedAt: "2024-05-01T06:12:09+00:00", modelVersion: "m", thresholds: ["person": 0.5])
    let imageLine = AlertEncoding.jsonLine(alert)
    #expect(!imageLine.contains("video"))
    alert.videoFrameNumber = 20
    alert.videoOffsetSeconds = 20 / 29.97
    let line = AlertEncoding.jsonLine(alert)
    #expect(
      line.hasPrefix(
        #"{"id":"0123456789abcdef","file":"DCIM/MVI_0001.MP4","video_frame_number":20,"#
          + #""video_offset_seconds":0.667,"labels":["person"]"#), "\(line)")
    // alerts.csv keeps its columns.
    var withoutFrame = alert
    withoutFrame.videoFrameNumber = nil
    withoutFrame.videoOffsetSeconds = nil
    #expect(AlertEncoding.csvRow(alert) == AlertEncoding.csvRow(withoutFrame))
    let read = try AlertEncoding.decodeJSONLine(line)
    #expect(read.videoFrameNumber == 20 && read.videoOffsetSeconds == 0.667)
  }
}
