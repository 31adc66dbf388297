import Formats
import LookoutCore

/// The site an image's per-site thresholds are looked up by, found as `scan` and `watch` find
/// it: the site of the image's deployment when a deployments file is given and one of its
/// deployments matches the image's path and capture time (the `datetime` detections.json
/// records), else the first folder of its path (``LookoutCore/ImageOrigin``).
public struct ImageSites: Sendable {
  /// The deployments file (`--deployments`), with `start` and `end` optional as `scan` reads
  /// it; nil: the folder layout only.
  public var deployments: DeploymentsFile?

  public init(deployments: DeploymentsFile? = nil) {
    self.deployments = deployments
  }

  /// Reads the deployments file at `path` as `scan --deployments` does (dates optional).
  public static func read(deploymentsPath path: String) throws(ResearchError) -> ImageSites {
    do {
      return ImageSites(deployments: try DeploymentsFile.read(path: path, dates: .optional))
    } catch {
      throw .input(
        path: path, reason: error.line > 0 ? "line \(error.line): \(error.reason)" : error.reason)
    }
  }

  /// The site of `image`.
  public func site(of image: ImageRecord) -> String? {
    let deployment = deployments?.deployment(
      forPath: image.file, capturedAt: image.datetime.flatMap { LocalDateTime($0) })
    return ImageOrigin(relativePath: image.file).placed(
      deploymentSite: deployment?.site, deploymentCamera: deployment?.cameraID
    ).site
  }
}
