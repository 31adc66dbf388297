import ArgumentParser

/// `--deployments` and `--areas`: the files that say where an image was taken and which protected
/// area it is in. `scan` and `watch` place alerts the same way, so they take the same two options.
struct PlacementOptions: ParsableArguments {
  @Option(
    name: .long,
    help: "Deployments CSV: deployment_id, latitude, longitude, path_pattern, optional start, end.")
  var deployments: String?

  @Option(
    name: .long, help: "GeoJSON file of protected areas (Polygon/MultiPolygon, name property).")
  var areas: String?
}
