/// Alert thresholds per class, with optional per-site ones over them: the config file's
/// `thresholds` (Formats' `LookoutConfig.thresholds(path:)`), what `tune` writes back, and what
/// every command applies.
///
/// Precedence is the same everywhere, most specific first: an image's site's own threshold
/// (``sites``; the site of the image's deployment, else the first folder of its path, see
/// ``ImageOrigin``), then the class's (``classes``), then what the command starts from.
/// `scan` and `watch` start from the model's defaults and resolve the ``AlertThresholds`` in
/// force for each image (``resolved(defaults:site:)``, each value as the nearest `Float`);
/// the researcher commands start from `--threshold`, the config file, the run's recorded
/// thresholds and ``fallback`` (``resolve(overrides:config:recorded:)``).
public struct ClassThresholds: Sendable, Equatable {
  /// Class name (`"animal"`, `"person"`, `"vehicle"`) → threshold in 0...1.
  public var classes: [String: Double]
  /// Site name → class name → threshold, overriding ``classes`` for images of that site.
  public var sites: [String: [String: Double]]

  /// Used for a class no source names.
  public static let fallback = 0.5

  public init(classes: [String: Double] = [:], sites: [String: [String: Double]] = [:]) {
    self.classes = classes
    self.sites = sites
  }

  /// The threshold for `className` at `site`: the site's own when it has one, else the class's.
  public func threshold(for className: String, site: String? = nil) -> Double? {
    if let site, let t = sites[site]?[className] { return t }
    return classes[className]
  }

  /// The threshold for a class at a site (the site's own when there is one), else ``fallback``.
  public func threshold(_ c: DetectionClass, site: String? = nil) -> Double {
    threshold(for: c.name, site: site) ?? ClassThresholds.fallback
  }

  /// The researcher commands' thresholds: for each class the first source that names it wins:
  /// `overrides` (`--threshold`), then the config file's, then the run's recorded ones, then
  /// ``fallback``. Per-site thresholds come from the config.
  public static func resolve(
    overrides: [String: Double], config: ClassThresholds?, recorded: [String: Double]
  ) -> ClassThresholds {
    var classes: [String: Double] = [:]
    for c in DetectionClass.allCases {
      classes[c.name] =
        overrides[c.name] ?? config?.classes[c.name] ?? recorded[c.name] ?? fallback
    }
    return ClassThresholds(classes: classes, sites: config?.sites ?? [:])
  }

  /// The thresholds in force for images of `site` (nil: the class thresholds only): `defaults`,
  /// then ``classes``, then the site's own, each map by class name. Entries that cannot be
  /// applied (``applies(_:_:)``) are skipped; ``firstInvalidEntry`` finds them.
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
