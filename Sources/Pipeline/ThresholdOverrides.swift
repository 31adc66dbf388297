/// Alert thresholds given in a config file or on the command line, applied over the model's
/// shipped defaults once the model is loaded: per class, and per site over those.
///
/// `scan` and `watch` resolve them the same way, image by image (``ScanOutputs/alert(for:context:)``):
/// the defaults, then ``classes``, then the image's site's own (``sites``).
public struct ThresholdOverrides: Sendable, Equatable {
  /// Class name (`animal`, `person`, `vehicle`) → threshold.
  public var classes: [String: Float]
  /// Site (the deployment's site, else the first folder of the path) → class name → threshold.
  public var sites: [String: [String: Float]]

  public init(classes: [String: Float] = [:], sites: [String: [String: Float]] = [:]) {
    self.classes = classes
    self.sites = sites
  }

  /// The thresholds in force for images of `site`.
  public func resolved(defaults: AlertThresholds, site: String?) -> AlertThresholds {
    var t = defaults
    for (name, value) in classes { _ = t.apply(override: "\(name)=\(value)") }
    if let site, let own = sites[site] {
      for (name, value) in own { _ = t.apply(override: "\(name)=\(value)") }
    }
    return t
  }
}
