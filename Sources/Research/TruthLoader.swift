/// Reads ground truth in whichever format a file is.
public enum TruthLoader {
  /// The truth formats Lookout reads.
  public enum Format: String, Sendable, CaseIterable {
    case csv, coco, camtrapDP = "camtrap-dp"
  }

  /// The format a path implies: `datapackage.json` or `observations.csv` → Camtrap DP, other
  /// `.json` → COCO, other files → CSV.
  public static func format(of path: String) -> Format {
    let name = Paths.fileName(path).lowercased()
    if name == "datapackage.json" || name == "observations.csv" { return .camtrapDP }
    if name.hasSuffix(".json") { return .coco }
    return .csv
  }

  /// Reads one file (format from ``format(of:)`` unless given).
  public static func read(path: String, format: Format? = nil) throws(ResearchError)
    -> GroundTruth
  {
    switch format ?? self.format(of: path) {
    case .csv: return try TruthCSV.read(path: path)
    case .coco: return try TruthCOCO.read(path: path)
    case .camtrapDP: return try TruthCamtrapDP.read(path: path)
    }
  }

  /// Reads and merges several files (see ``GroundTruth`` for how they merge).
  public static func read(paths: [String]) throws(ResearchError) -> GroundTruth {
    var truth = GroundTruth()
    for path in paths { truth.merge(try read(path: path)) }
    return truth
  }
}
