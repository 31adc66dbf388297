import LookoutCore
import Testing

/// A card as it comes out of the camera: `DCIM/NNNXXXXX` folders are the camera's own filing,
/// never a site or a camera.
@Suite struct CardFolderLayoutTests {
  @Test func aBareCardHasNoSiteOrCamera() {
    #expect(ImageOrigin(relativePath: "DCIM/100MEDIA/IMG_0001.JPG") == ImageOrigin(site: nil, camera: nil))
    #expect(ImageOrigin(relativePath: "DCIM/101RECNX/RCNX0001.JPG") == ImageOrigin(site: nil, camera: nil))
    #expect(ImageOrigin(relativePath: "dcim/100_BTCF/a.jpg") == ImageOrigin(site: nil, camera: nil))
  }

  @Test func foldersAboveTheCardsDCIMStillNameSiteAndCamera() {
    #expect(
      ImageOrigin(relativePath: "river-camp/cam03/DCIM/100RECNX/a.jpg")
        == ImageOrigin(site: "river-camp", camera: "cam03"))
    #expect(
      ImageOrigin(relativePath: "cam03/DCIM/100MEDIA/a.jpg") == ImageOrigin(site: nil, camera: "cam03"))
    #expect(
      ImageOrigin(relativePath: "river-camp/DCIM/100MEDIA/cam03/a.jpg")
        == ImageOrigin(site: "river-camp", camera: "cam03"))
  }

  @Test func onlyTheDCFFolderNameIsSkippedAfterDCIM() {
    // "DCIM" goes; a folder under it that is not NNNXXXXX (100...999 and five letters or digits)
    // is the user's own and stays.
    #expect(ImageOrigin(relativePath: "DCIM/cam03/a.jpg") == ImageOrigin(site: nil, camera: "cam03"))
    #expect(
      ImageOrigin(relativePath: "DCIM/099MEDIA/a.jpg") == ImageOrigin(site: nil, camera: "099MEDIA"))
    // Without a DCIM parent a DCF-looking name is an ordinary folder.
    #expect(
      ImageOrigin(relativePath: "site/100MEDIA/a.jpg") == ImageOrigin(site: "site", camera: "100MEDIA"))
  }
}
