import Formats

/// How the config file's thresholds (``Formats/ThresholdSettings``: per class, and per site over
/// those) become the ``AlertThresholds`` in force for an image, once the model's shipped
/// defaults are known.
///
/// `scan` and `watch` resolve them the same way, image by image
/// (``ScanOutputs/alert(for:context:)``): the defaults, then ``Formats/ThresholdSettings/classes``,
/// then the image's site's own (``Formats/ThresholdSettings/sites``; the site of the image's
/// deployment, else the first folder of its path). Each value is applied as the nearest `Float`,
/// the precision detections are compared at.
extension ThresholdSettings {
  /// The thresholds in force for images of `site` (nil: the class thresholds only): `defaults`,
  /// then ``Formats/ThresholdSettings/classes``, then the site's own, each map by class name.
  /// Entries that cannot be applied (``applies(_:_:)``) are skipped; ``firstInvalidEntry`` finds
  /// them.
  public func resolved(defaults: AlertThresholds, site: String?) -> AlertThresholds {
    var thresholds = defaults
    func apply(_ map: [String: Double]) {
      for (name, value) in map.sorted(by: { $0.key < $1.key }) {
        _ = thresholds.set(name, to: Float(value))
      }
    }
    apply(classes)
    if let site, let own = sites[site] { apply(own) }
    return thresholds
  }

  /// Whether `value` can be the threshold of the class `name`: `animal`, `person` or `vehicle`
  /// (in any case) with a value in 0…1.
  public static func applies(_ name: String, _ value: Double) -> Bool {
    var probe = AlertThresholds(animal: 0, person: 0, vehicle: 0)
    return probe.set(name, to: Float(value))
  }

  /// The first entry that cannot be applied, as `name=value` (`lion=0.5`), followed by
  /// ` (site S)` for a site's own; classes first, then sites, each by name. Nil when every
  /// entry applies.
  public var firstInvalidEntry: String? {
    func first(_ map: [String: Double]) -> String? {
      map.sorted { $0.key < $1.key }.first { !Self.applies($0.key, $0.value) }.map {
        "\($0.key)=\($0.value)"
      }
    }
    if let entry = first(classes) { return entry }
    for site in sites.keys.sorted() {
      if let entry = first(sites[site]!) { return "\(entry) (site \(site))" }
    }
    return nil
  }
}
