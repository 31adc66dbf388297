import Foundation
import Formats
import LookoutCore

/// How names of things in other tools' files map onto Lookout's three classes.
public enum ClassNames {
  /// The class a label names, or nil for a label that means "nothing here".
  ///
  /// Case and surrounding spaces are ignored. `person`, `people`, `human`, `humans` → person;
  /// `vehicle`, `vehicles`, `car`, `cars`, `truck`, `bicycle`, `bike`, `motorcycle`,
  /// `motorbike`, `bus` → vehicle; `empty`, `blank`, `none`, `nothing` and `""` → nil (empty);
  /// anything else (a species name, `animal`) → animal.
  public static func detectionClass(forLabel label: String) -> DetectionClass?? {
    let l = label.trimmingCharacters(in: .whitespaces).lowercased()
    switch l {
    case "", "empty", "blank", "none", "nothing": return .some(nil)
    case "person", "people", "human", "humans": return .person
    case "vehicle", "vehicles", "car", "cars", "truck", "trucks", "bicycle", "bicycles", "bike",
      "motorcycle", "motorcycles", "motorbike", "bus":
      return .vehicle
    default: return .animal
    }
  }

  /// The classes named by an image-level label such as `person+vehicle` (also split at `;`,
  /// `|` and `,`); empty for `empty`.
  public static func classes(inLabel label: String) -> Set<DetectionClass> {
    var out: Set<DetectionClass> = []
    for part in label.split(whereSeparator: { "+;|,".contains($0) }) {
      if let c = detectionClass(forLabel: String(part)), let c { out.insert(c) }
    }
    return out
  }

  /// The class of a MegaDetector category, by its name in `detection_categories` (MegaDetector
  /// writes "animal", "person", "vehicle"); nil for categories that map to nothing.
  public static func detectionClass(category: Int, names: [Int: String]) -> DetectionClass? {
    guard let name = names[category] else { return DetectionClass(megaDetectorCategory: category) }
    return detectionClass(forLabel: name) ?? nil
  }
}
