import Formats
import LookoutCore

/// Ground truth from a CSV file.
///
/// Columns (header names, any order, other columns ignored):
/// - `file` (or `file_name`, `filename`, `path`): the image's path relative to the scanned
///   folder, as in `detections.json`;
/// - `label` (or `class`, `labels`, `category`): `person`, `vehicle`, `animal` or `empty`;
///   several classes may be joined with `+` or `;` (`person+vehicle`); other names map as
///   ``ClassNames/detectionClass(forLabel:)`` says (a species name is an animal);
/// - optional `x`, `y`, `w`, `h`: one box, normalized to 0…1, top-left corner and size (the
///   MegaDetector convention). A row with a box names one class.
///
/// One row per image (image-level labels) or one row per box; both may be mixed, and an image
/// may have several rows. An image's boxes are complete (it is scored box by box) when it has
/// at least one box row or is empty.
public enum TruthCSV {
  public static func read(path: String) throws(ResearchError) -> GroundTruth {
    let bytes = try ResearchFiles.read(path) { .truth(path: $0, line: 0, reason: $1) }
    return try parse(bytes, path: path)
  }

  public static func parse(_ bytes: [UInt8], path: String) throws(ResearchError) -> GroundTruth {
    let table: CSVTable
    do {
      table = try CSVReader.parse(bytes, path: path)
    } catch {
      throw .truthTable(error)
    }
    guard let fileColumn = table.column(anyOf: ["file", "file_name", "filename", "path"]) else {
      throw .truth(path: path, line: 1, reason: "no \"file\" column")
    }
    guard let labelColumn = table.column(anyOf: ["label", "class", "labels", "category"]) else {
      throw .truth(path: path, line: 1, reason: "no \"label\" column")
    }
    let boxColumns = ["x", "y", "w", "h"].map { table.column($0) }
    let hasBoxColumns = boxColumns.allSatisfy { $0 != nil }
    if !hasBoxColumns && boxColumns.contains(where: { $0 != nil }) {
      throw .truth(path: path, line: 1, reason: "box columns need all of x, y, w, h")
    }

    struct Pending {
      var classes: Set<DetectionClass> = []
      var boxes: [TruthBox] = []
    }
    var pending: [String: Pending] = [:]
    var order: [String] = []
    for row in table.rows {
      let file = row.fields[fileColumn].trimmed()
      guard !file.isEmpty else { throw .truth(path: path, line: row.line, reason: "empty file") }
      do {
        try ContainedPath.check(file, entry: "file", in: path)
      } catch {
        throw .truth(path: path, line: row.line, reason: error.detail)
      }
      let label = row.fields[labelColumn]
      let classes = ClassNames.classes(inLabel: label)
      if pending[file] == nil {
        pending[file] = Pending()
        order.append(file)
      }
      pending[file]!.classes.formUnion(classes)
      guard hasBoxColumns else { continue }
      let texts = boxColumns.map { row.fields[$0!].trimmed() }
      if texts.allSatisfy(\.isEmpty) { continue }
      var box: [Double] = []
      for text in texts {
        guard let v = Double(text) else {
          throw .truth(path: path, line: row.line, reason: "box value \"\(text)\" is not a number")
        }
        box.append(v)
      }
      if let problem = BoxCheck.problem(box) {
        throw .truth(path: path, line: row.line, reason: problem)
      }
      guard classes.count == 1, let c = classes.first else {
        throw .truth(
          path: path, line: row.line,
          reason: "a row with a box needs exactly one class, not \"\(label)\"")
      }
      pending[file]!.boxes.append(TruthBox(c, bbox: box))
    }
    var truth = GroundTruth()
    truth.sources = [path]
    for file in order {
      let p = pending[file]!
      truth.add(
        file: file, classes: p.classes, boxes: p.boxes,
        boxesComplete: !p.boxes.isEmpty || p.classes.isEmpty)
    }
    return truth
  }
}
