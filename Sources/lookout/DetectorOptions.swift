import ArgumentParser
import Pipeline

/// `--input-size`, `--min-confidence` and `--tile`: how images go through the network. `scan`
/// and `watch` take the same three, with the same help, checks and defaults (``defaults``; in
/// `watch` the config file may set them too, so a flag not given is nil here).
struct DetectorOptions: ParsableArguments {
  /// What a flag not given (nor set in watch's config file) means.
  static let defaults = ImageScanSettings()

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Long side, in pixels, that images are scaled to for the network "
        + "(default \(defaults.detection.inputLongSide))."))
  var inputSize: Int?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Lowest confidence kept in the outputs (default \(defaults.detection.minimumConfidence))."))
  var minConfidence: Float?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Tile large images at native resolution: auto (drone photos), off, or a tile size "
        + "(default \(defaults.tile))."))
  var tile: String?

  func validate() throws {
    if let inputSize, !(inputSize >= 64 && inputSize <= 4096 && inputSize % 32 == 0) {
      throw ValidationError("--input-size must be a multiple of 32 between 64 and 4096")
    }
    if let minConfidence, !(0...1).contains(minConfidence) {
      throw ValidationError("--min-confidence must be between 0 and 1")
    }
    if let tile, TileMode(parsing: tile) == nil {
      throw ValidationError("--tile must be auto, off, or a tile size of at least 128 pixels")
    }
  }

  /// The scan settings for these values, ``defaults`` where one is nil.
  static func settings(inputSize: Int?, minConfidence: Float?, tile: String?)
    -> ImageScanSettings
  {
    var settings = defaults
    settings.detection.inputLongSide = inputSize ?? defaults.detection.inputLongSide
    settings.detection.minimumConfidence = minConfidence ?? defaults.detection.minimumConfidence
    settings.tile = tile.flatMap(TileMode.init(parsing:)) ?? defaults.tile
    return settings
  }

  /// The scan settings for the flags given.
  var settings: ImageScanSettings {
    Self.settings(inputSize: inputSize, minConfidence: minConfidence, tile: tile)
  }
}
