/// Per-class confidence at or above which a detection raises an alert (person, vehicle) or is
/// counted (animal). Defaults come from the model file, chosen on the validation split.
public struct AlertThresholds: Sendable, Equatable, Codable {
  public var animal: Float
  public var person: Float
  public var vehicle: Float

  public init(animal: Float, person: Float, vehicle: Float) {
    self.animal = animal
    self.person = person
    self.vehicle = vehicle
  }

  /// The threshold for a class index (0 animal, 1 person, 2 vehicle).
  public func threshold(classIndex: Int) -> Float {
    switch classIndex {
    case 0: return animal
    case 1: return person
    default: return vehicle
    }
  }

  /// Whether a detection of this class can raise an alert at all.
  public static func alerts(classIndex: Int) -> Bool { classIndex == 1 || classIndex == 2 }

  /// Applies `name=value` overrides such as `person=0.4` (``set(_:to:)``); false, and nothing
  /// changed, when the text is not one.
  public mutating func apply(override text: String) -> Bool {
    let parts = text.split(separator: "=")
    guard parts.count == 2, let value = Float(parts[1]) else { return false }
    return set(String(parts[0]), to: value)
  }

  /// Sets the threshold of the class `name` (`animal`, `person` or `vehicle`, in any case) to
  /// `value`; false, and nothing changed, when `name` is no class or `value` is not in 0…1.
  public mutating func set(_ name: String, to value: Float) -> Bool {
    guard (0...1).contains(value) else { return false }
    switch name.lowercased() {
    case "animal": animal = value
    case "person": person = value
    case "vehicle": vehicle = value
    default: return false
    }
    return true
  }
}
