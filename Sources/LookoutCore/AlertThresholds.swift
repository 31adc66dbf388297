/// Per-class confidence at or above which a detection raises an alert (person, vehicle) or is
/// counted (animal): the values in force for one image, at the precision detections are
/// compared at. Defaults come from the model file, chosen on the validation split; the config
/// file's ``ClassThresholds`` and `--threshold` are applied over them.
public struct AlertThresholds: Sendable, Equatable, Codable {
  public var animal: Float
  public var person: Float
  public var vehicle: Float

  public init(animal: Float, person: Float, vehicle: Float) {
    self.animal = animal
    self.person = person
    self.vehicle = vehicle
  }

  /// The threshold for a class.
  public func threshold(for detectionClass: DetectionClass) -> Float {
    switch detectionClass {
    case .animal: return animal
    case .person: return person
    case .vehicle: return vehicle
    }
  }

  /// Sets the threshold of a class.
  public mutating func set(_ detectionClass: DetectionClass, to value: Float) {
    switch detectionClass {
    case .animal: animal = value
    case .person: person = value
    case .vehicle: vehicle = value
    }
  }

  /// Applies a `--threshold` (``ThresholdAssignment``), as the nearest `Float`.
  public mutating func apply(_ assignment: ThresholdAssignment) {
    set(assignment.detectionClass, to: Float(assignment.value))
  }

  /// Applies `name=value` text such as `person=0.4` (``ThresholdAssignment/init(parsing:)``);
  /// false, and nothing changed, when the text is not one.
  public mutating func apply(override text: String) -> Bool {
    guard let assignment = ThresholdAssignment(parsing: text) else { return false }
    apply(assignment)
    return true
  }

  /// Sets the threshold of the class `name` (`animal`, `person` or `vehicle`, in any case) to
  /// `value`; false, and nothing changed, when `name` is no class or `value` is not in 0…1.
  public mutating func set(_ name: String, to value: Float) -> Bool {
    guard (0...1).contains(value), let c = DetectionClass(name: name.lowercased()) else {
      return false
    }
    set(c, to: value)
    return true
  }
}
