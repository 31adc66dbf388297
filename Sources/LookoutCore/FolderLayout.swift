/// Where an image was taken, as far as the card's folder layout says.
///
/// The documented layout is `<site>/<camera>/.../<file>`: with two or more folders above a file
/// the first is the site and the second the camera; with one folder it is the camera and the site
/// is unknown; files at the top level have neither. A deployments file can later override this.
public struct ImageOrigin: Sendable, Equatable, Codable {
  public var site: String?
  public var camera: String?

  public init(site: String?, camera: String?) {
    self.site = site
    self.camera = camera
  }

  /// The origin a relative path implies under the folder-layout convention.
  public init(relativePath: String) {
    let folders = relativePath.split(separator: "/", omittingEmptySubsequences: true).dropLast()
    switch folders.count {
    case 0: self.init(site: nil, camera: nil)
    case 1: self.init(site: nil, camera: String(folders[folders.startIndex]))
    default:
      self.init(
        site: String(folders[folders.startIndex]),
        camera: String(folders[folders.index(after: folders.startIndex)]))
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
}
