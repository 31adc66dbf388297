import Formats

/// Pairs ground-truth images with a run's images.
///
/// Paths are compared after ``GroundTruth/normalizedPath(_:)``. A truth path with no exact
/// match is paired with the one run image whose path ends with it at a folder boundary, or that
/// it ends with (so `images/hit-uav/a.jpg` pairs with `hit-uav/a.jpg`); when several could
/// pair, none is taken.
struct ImageMatcher {
  private let exact: [String: ImageRecord]
  private let byName: [String: [String]]

  init(run: DetectionRun) {
    exact = run.imagesByPath
    var names: [String: [String]] = [:]
    for path in run.imagesByPath.keys { names[Paths.fileName(path), default: []].append(path) }
    byName = names
  }

  /// The run's record for a truth path, if any.
  func record(for truthPath: String) -> ImageRecord? {
    if let r = exact[truthPath] { return r }
    let candidates = (byName[Paths.fileName(truthPath)] ?? []).filter {
      $0.hasSuffix("/" + truthPath) || truthPath.hasSuffix("/" + $0)
    }
    guard candidates.count == 1 else { return nil }
    return exact[candidates[0]]
  }
}
