/// Where an image was taken, as far as the card's folder layout says.
///
/// The documented layout is `<site>/<camera>/.../<file>`: with two or more folders above a file
/// the first is the site and the second the camera; with one folder it is the camera and the site
/// is unknown; files at the top level have neither. A camera's own filing is no place: a `DCIM`
/// folder and the DCF folder directly under it (`100MEDIA`, `101RECNX`: three digits 100...999
/// and five letters, digits or underscores) are skipped, so a card as it comes out of the camera
/// (`DCIM/100MEDIA/IMG_0001.JPG`) names neither, and `river-camp/cam03/DCIM/100RECNX/...` is
/// site `river-camp`, camera `cam03`. A deployments file can later override this.
public struct ImageOrigin: Sendable, Equatable, Codable {
  public var site: String?
  public var camera: String?

  public init(site: String?, camera: String?) {
    self.site = site
    self.camera = camera
  }

  /// The origin a relative path implies under the folder-layout convention.
  public init(relativePath: String) {
    let folders = Self.placeFolders(relativePath)
    switch folders.count {
    case 0: self.init(site: nil, camera: nil)
    case 1: self.init(site: nil, camera: String(folders[0]))
    default: self.init(site: String(folders[0]), camera: String(folders[1]))
    }
  }

  /// The folders above the file that can name a place: all of them but `DCIM` (any case) and
  /// the DCF folder directly under it.
  static func placeFolders(_ relativePath: String) -> [Substring] {
    var folders: [Substring] = []
    var underDCIM = false
    for folder in relativePath.split(separator: "/", omittingEmptySubsequences: true).dropLast() {
      if underDCIM {
        underDCIM = false
        if isDCFFolderName(folder) { continue }
      }
      if isDCIM(folder) {
        underDCIM = true
        continue
      }
      folders.append(folder)
    }
    return folders
  }

  /// `DCIM` in any letter case (compared byte by byte: this runs for every image of a card).
  static func isDCIM(_ name: Substring) -> Bool {
    let bytes = name.utf8
    guard bytes.count == 4 else { return false }
    return zip(bytes, "DCIM".utf8).allSatisfy { $0 & 0xDF == $1 }
  }

  /// `NNNXXXXX`: a folder number 100...999, then five ASCII letters, digits or underscores
  /// (the Design rule for Camera File system's folder names).
  static func isDCFFolderName(_ name: Substring) -> Bool {
    let bytes = Array(name.utf8)
    guard bytes.count == 8 else { return false }
    func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    guard bytes[0...2].allSatisfy(isDigit), bytes[0] != 0x30 else { return false }
    return bytes[3...].allSatisfy { byte in
      isDigit(byte) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A) || byte == 0x5F
    }
  }
}

extension ImageOrigin {
  /// The placement rule `scan`, `watch` and `export camtrap-dp` share: an image's deployment
  /// names its site and camera when it names them (`site`, `camera`), else the folder layout
  /// does (this origin).
  public func placed(deploymentSite: String?, deploymentCamera: String?) -> ImageOrigin {
    ImageOrigin(site: deploymentSite ?? site, camera: deploymentCamera ?? camera)
  }

  /// The whole order `lookout scan` places an image by, first that names it wins: its
  /// deployment (`deploymentSite`, `deploymentCamera`), then the names given for the whole
  /// scan (`--site`, `--camera`: `given`), then the folder layout (this origin), then the
  /// camera id in its EXIF (`exifCamera`, a camera only). Folders a person named come before
  /// the serial number, so a card laid out `<site>/<camera>/` places as it always did; the EXIF
  /// id names the camera of a bare card, whose `DCIM/NNNXXXXX` folders name nothing.
  public func placed(
    deploymentSite: String?, deploymentCamera: String?, given: ImageOrigin, exifCamera: String?
  ) -> ImageOrigin {
    ImageOrigin(
      site: deploymentSite ?? given.site ?? site,
      camera: deploymentCamera ?? given.camera ?? camera ?? exifCamera)
  }
}
