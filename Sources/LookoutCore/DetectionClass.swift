/// What the detector finds: the one list of classes every part of Lookout uses.
///
/// The raw value is the class's index in the network's output (0 animal, 1 person, 2 vehicle);
/// MegaDetector files number the same classes from 1 (``megaDetectorCategory``).
public enum DetectionClass: Int, Sendable, CaseIterable, Codable, Comparable {
  case animal = 0
  case person = 1
  case vehicle = 2

  /// "animal", "person" or "vehicle": the name in MegaDetector's `detection_categories`, in
  /// alerts and in the config file's `thresholds`.
  public var name: String {
    switch self {
    case .animal: return "animal"
    case .person: return "person"
    case .vehicle: return "vehicle"
    }
  }

  /// The class with exactly this name, if any.
  public init?(name: String) {
    guard let c = DetectionClass.allCases.first(where: { $0.name == name }) else { return nil }
    self = c
  }

  /// The class at this index of the network's output (0, 1 or 2), if any.
  public init?(index: Int) { self.init(rawValue: index) }

  /// The index in the network's output: 0, 1 or 2.
  public var index: Int { rawValue }

  /// MegaDetector's category id: 1, 2 or 3.
  public var megaDetectorCategory: Int { rawValue + 1 }

  /// The class with this MegaDetector category id (1, 2 or 3), if any.
  public init?(megaDetectorCategory id: Int) { self.init(rawValue: id - 1) }

  /// Whether a detection of this class raises an alert (person, vehicle); animals are counted
  /// only.
  public var raisesAlerts: Bool { self != .animal }

  /// The name for a MegaDetector category id: the class name for 1, 2 and 3,
  /// `"category_<id>"` otherwise.
  public static func name(forCategory id: Int) -> String {
    DetectionClass(megaDetectorCategory: id)?.name ?? "category_\(id)"
  }

  public static func < (a: DetectionClass, b: DetectionClass) -> Bool { a.rawValue < b.rawValue }
}
