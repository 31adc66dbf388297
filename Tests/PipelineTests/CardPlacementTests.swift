import Foundation
import Formats
import LookoutCore
import Testing

@testable import Pipeline

/// A card as it comes out of the camera: site and camera by deployment, then `--site` and
/// `--camera`, then the folders (with `DCIM/NNNXXXXX` skipped), then the EXIF camera id.
@Suite struct CardPlacementTests {
  static func outcome(_ file: String, cameraID: String? = nil) -> ImageOutcome {
    var outcome = ImageOutcome(file: file, size: 1, modifiedNanoseconds: 1)
    outcome.cameraID = cameraID
    outcome.detections = []
    return outcome
  }

  static let deployments = """
    deployment_id,latitude,longitude,path_pattern,camera_id,site
    gate-cam1,-3.1,36.2,gate/**,CAM-17,Gate
    """

  @Test func theOrderIsDeploymentThenGivenThenFoldersThenExif() throws {
    let file = try DeploymentsFile.parseForPlacement(Array(Self.deployments.utf8), path: "d.csv")
    let locator = ImageLocator(
      deployments: file, given: ImageOrigin(site: "river-camp", camera: nil), usesExifCamera: true)
    func origin(_ path: String, _ id: String?) -> ImageOrigin {
      locator.origin(relativePath: path, outcome: Self.outcome(path, cameraID: id))
    }
    // The deployment names both.
    #expect(origin("gate/DCIM/100MEDIA/a.jpg", "SN1") == ImageOrigin(site: "Gate", camera: "CAM-17"))
    // --site over the folders; the folders' camera over the EXIF id, which names a bare card's.
    #expect(origin("DCIM/100MEDIA/a.jpg", "SN1") == ImageOrigin(site: "river-camp", camera: "SN1"))
    #expect(origin("north/cam03/a.jpg", "SN1") == ImageOrigin(site: "river-camp", camera: "cam03"))
    #expect(origin("north/cam03/a.jpg", nil) == ImageOrigin(site: "river-camp", camera: "cam03"))
    #expect(origin("DCIM/100MEDIA/a.jpg", nil) == ImageOrigin(site: "river-camp", camera: nil))
    // --camera over the EXIF id.
    var given = locator
    given.given = ImageOrigin(site: nil, camera: "cam09")
    #expect(
      given.origin(relativePath: "north/cam03/a.jpg", outcome: Self.outcome("north/cam03/a.jpg", cameraID: "SN1"))
        == ImageOrigin(site: "north", camera: "cam09"))
  }

  @Test func watchKeepsItsFolderLayoutAndSkipsDCIM() {
    // `watch` places with a plain locator: no EXIF camera id, the folders without DCIM/NNNXXXXX.
    let locator = ImageLocator()
    let place = locator.place(
      relativePath: "river-camp/cam03/DCIM/100RECNX/a.jpg",
      outcome: Self.outcome("river-camp/cam03/DCIM/100RECNX/a.jpg", cameraID: "SN1"))
    #expect(place.site == "river-camp" && place.camera == "cam03")
    let bare = locator.place(
      relativePath: "DCIM/100MEDIA/a.jpg", outcome: Self.outcome("DCIM/100MEDIA/a.jpg", cameraID: "SN1"))
    #expect(bare.site == nil && bare.camera == nil)
  }

  @Test func givenNamesAreKeptForRethresholdAndOnlyWhenGiven() throws {
    let folder = try TemporaryFolder("alerting-given")
    defer { folder.remove() }
    let plain = AlertingRecord.encode(AlertingSettings())
    #expect(!String(decoding: plain, as: UTF8.self).contains("\"site\""))
    let settings = try AlertingSettings(
      siteThresholds: [:], given: ImageOrigin(site: "river-camp", camera: "cam03"))
    try writeFile(folder.sub(".lookout/" + AlertingRecord.fileName), AlertingRecord.encode(settings))
    let loaded = try AlertingRecord.load(directory: folder.sub(".lookout"), scan: folder.path)
    #expect(loaded.given == ImageOrigin(site: "river-camp", camera: "cam03"))
    #expect(loaded.locator.given == loaded.given && loaded.locator.usesExifCamera)
    #expect(loaded.firstDifference(from: settings) == nil)
    #expect(loaded.firstDifference(from: AlertingSettings()) == "its --site or --camera differs")
  }

  /// A JPEG sample whose EXIF is only an Exif IFD holding BodySerialNumber `serial`.
  static func jpeg(serial: String) throws -> [UInt8] {
    let text = Array(serial.utf8) + [0]
    // IFD0 at 8: one entry (the Exif IFD pointer) = 18 bytes; the Exif IFD at 26: one entry,
    // its text after it at 44.
    let ifd0 = HostileTIFF.ifd([.init(tag: 0x8769, type: 4, count: 1, value: 26)])
    let exif = HostileTIFF.ifd([.init(tag: 0xA431, type: 2, count: UInt32(text.count), value: 44)])
    let tiff = HostileTIFF.document(ifd0Offset: 8, body: ifd0 + exif + text)
    return ByteSurgery.jpegWithExif(try Repository.sampleBytes(Repository.thermalSamples[0]), tiff: tiff)
  }

  @Test func aScanNamesTheCameraByItsSerialAndTheSiteAsGiven() throws {
    let folder = try TemporaryFolder("card-placement")
    defer { folder.remove() }
    let card = folder.sub("card")
    try writeFile(card + "/DCIM/100RECNX/RCNX0001.JPG", try Self.jpeg(serial: "H500-0042"))
    try writeFile(
      card + "/DCIM/100RECNX/RCNX0002.JPG", try Repository.sampleBytes(Repository.thermalSamples[1]))
    let output = folder.sub("out")
    let report = try scanInProcess(card: card, output: output) { config in
      config.image.detection.minimumConfidence = 0
      config.thresholdOverrides = ["person=0", "vehicle=0"]
      config.site = "river-camp"
    }
    // The sample without a serial has no camera: the DCIM folders name none.
    #expect(report.imagesWithoutSite == 0 && report.imagesWithoutCamera == 1)
    let alerts = try ScanPlacementTests.alerts(output)
    let serial = try #require(alerts["DCIM/100RECNX/RCNX0001.JPG"])
    #expect(serial["site"] == .string("river-camp") && serial["camera"] == .string("H500-0042"))
    let other = try #require(alerts["DCIM/100RECNX/RCNX0002.JPG"])
    #expect(other["site"] == .string("river-camp") && other["camera"] == .null)
    // Kept for rethreshold, which places the same way.
    let scan = try FinishedScan.load(directory: output)
    #expect(scan.alerting.given == ImageOrigin(site: "river-camp", camera: nil))
    _ = try scan.rethreshold(scan.thresholds)
    #expect(try ScanPlacementTests.alerts(output) == alerts)
  }
}

/// `lookout scan --site --camera` as a ranger runs it on a card straight from the camera.
@Suite(.enabled(if: Repository.lookoutExecutable != nil, "needs the built lookout executable"))
struct CardPlacementCommandTests {
  @Test func aBareCardIsWarnedAboutAndSiteAndCameraNameIt() throws {
    let folder = try TemporaryFolder("card-placement-cli")
    defer { folder.remove() }
    let card = folder.sub("SDCARD")
    try writeFile(
      card + "/DCIM/100MEDIA/IMG_0001.JPG", try Repository.sampleBytes(Repository.thermalSamples[1]))
    let bare = try LookoutProcess.run(
      ["scan", card, "--out", folder.sub("bare"), "--quiet"] + alertEverythingArguments,
      outputPath: folder.sub("bare.log"))
    try #require(bare.status == 0, "\(bare)")
    #expect(
      bare.output.contains("lookout: warning: of 1 image, 1 no site and 1 no camera"), "\(bare)")
    let bareAlert = try #require(try ScanPlacementTests.alerts(folder.sub("bare")).values.first)
    #expect(bareAlert["site"] == .null && bareAlert["camera"] == .null)

    let named = try LookoutProcess.run(
      ["scan", card, "--out", folder.sub("named"), "--quiet", "--site", "river-camp", "--camera",
       "cam03"] + alertEverythingArguments,
      outputPath: folder.sub("named.log"))
    try #require(named.status == 0, "\(named)")
    #expect(!named.output.contains("warning"), "\(named)")
    let alert = try #require(try ScanPlacementTests.alerts(folder.sub("named")).values.first)
    #expect(alert["site"] == .string("river-camp") && alert["camera"] == .string("cam03"))

    let empty = try LookoutProcess.run(
      ["scan", card, "--out", folder.sub("empty"), "--site", ""], outputPath: folder.sub("empty.log"))
    #expect(empty.status == 64, "\(empty)")
    #expect(empty.output.contains("--site must not be empty"), "\(empty)")
  }
}
