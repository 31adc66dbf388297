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

// MARK: The config file's `thresholds` member

extension ClassThresholds: Codable {
  /// The config file's member these thresholds are kept in.
  public static let configMember = "thresholds"

  /// Why a `thresholds` member cannot be read, in the words the config's error shows:
  /// `"thresholds.person is not a number in 0…1"`.
  public struct DecodingProblem: Error, Sendable, Equatable {
    public var reason: String

    public init(reason: String) { self.reason = reason }
  }

  private struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  /// Reads `{"person": 0.4, …, "sites": {"<site>": {"person": 0.3, …}}}`: every value a number
  /// in 0…1 (a class name is not checked here; ``firstInvalidEntry`` finds unknown ones).
  public init(from decoder: any Decoder) throws {
    let member = Self.configMember
    func object(_ make: () throws -> KeyedDecodingContainer<Key>, _ path: String) throws
      -> KeyedDecodingContainer<Key>
    {
      do {
        return try make()
      } catch {
        throw DecodingProblem(reason: "\"\(path)\" is not an object")
      }
    }
    func number(_ container: KeyedDecodingContainer<Key>, _ key: Key, _ path: String) throws
      -> Double
    {
      guard let value = try? container.decode(Double.self, forKey: key), (0...1).contains(value)
      else { throw DecodingProblem(reason: "\(path) is not a number in 0…1") }
      return value
    }
    let top = try object({ try decoder.container(keyedBy: Key.self) }, member)
    var classes: [String: Double] = [:]
    var sites: [String: [String: Double]] = [:]
    for key in top.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
      guard key.stringValue == "sites" else {
        classes[key.stringValue] = try number(top, key, "\(member).\(key.stringValue)")
        continue
      }
      let siteContainer = try object(
        { try top.nestedContainer(keyedBy: Key.self, forKey: key) }, "\(member).sites")
      for site in siteContainer.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
        let path = "\(member).sites.\(site.stringValue)"
        let own = try object(
          { try siteContainer.nestedContainer(keyedBy: Key.self, forKey: site) }, path)
        var map: [String: Double] = [:]
        for name in own.allKeys {
          map[name.stringValue] = try number(own, name, "\(path).\(name.stringValue)")
        }
        sites[site.stringValue] = map
      }
    }
    self.init(classes: classes, sites: sites)
  }

  /// Writes the classes in ``orderedClassNames(_:)``'s order, then `sites` (by name) when
  /// there are any: the config file's order, for an encoder that keeps the order of keys
  /// (Formats' `LookoutConfig` writes the file itself in that order; Foundation's `JSONEncoder`
  /// does not keep it).
  public func encode(to encoder: any Encoder) throws {
    var top = encoder.container(keyedBy: Key.self)
    for name in Self.orderedClassNames(classes) {
      try top.encode(classes[name]!, forKey: Key(stringValue: name))
    }
    guard !sites.isEmpty else { return }
    var siteContainer = top.nestedContainer(keyedBy: Key.self, forKey: Key(stringValue: "sites"))
    for site in sites.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
      var own = siteContainer.nestedContainer(keyedBy: Key.self, forKey: Key(stringValue: site))
      for name in Self.orderedClassNames(sites[site]!) {
        try own.encode(sites[site]![name]!, forKey: Key(stringValue: name))
      }
    }
  }

  /// The order classes are written in: animal, person, vehicle (those present), then any
  /// others by name.
  public static func orderedClassNames(_ map: [String: Double]) -> [String] {
    let known = DetectionClass.allCases.map(\.name)
    return known.filter { map[$0] != nil }
      + map.keys.filter { !known.contains($0) }.sorted {
        $0.utf8.lexicographicallyPrecedes($1.utf8)
      }
  }
}
