/// One `class=value` threshold as the command line gives it (`--threshold person=0.4`): the one
/// parser of that text, for `scan`, `watch`, `rethreshold` and the researcher commands.
public struct ThresholdAssignment: Sendable, Equatable {
  public var detectionClass: DetectionClass
  /// In 0…1.
  public var value: Double

  public init(_ detectionClass: DetectionClass, _ value: Double) {
    self.detectionClass = detectionClass
    self.value = value
  }

  /// Parses `animal=`, `person=` or `vehicle=` (the name in any case) followed by a number in
  /// 0…1; nil for anything else.
  public init?(parsing text: String) {
    let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
    guard parts.count == 2, let c = DetectionClass(name: parts[0].lowercased()),
      let value = Double(parts[1]), (0...1).contains(value)
    else { return nil }
    self.init(c, value)
  }

  /// What a refused `--threshold TEXT` is told, after `--threshold TEXT: `.
  public static let expected = "expected animal=, person= or vehicle= with a value in 0...1"
}
