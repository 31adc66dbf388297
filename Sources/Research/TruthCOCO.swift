import Formats
import LookoutCore

/// Ground truth from a COCO-format JSON file.
///
/// Reads `images` (`id`, `file_name`, `width`, `height`), `annotations` (`image_id`,
/// `category_id`, optional `bbox` `[x, y, width, height]` in pixels) and `categories` (`id`,
/// `name`). Category names map to classes as ``ClassNames/detectionClass(forLabel:)`` says
/// (person/people/human → person; car/truck/bicycle/motorcycle/vehicle → vehicle; `empty` →
/// nothing; anything else → animal). Boxes are normalized by the image's size. An image without
/// annotations is empty; an image with an annotation that has no box is only labelled at the
/// image level. Crowd annotations count like others.
public enum TruthCOCO {
  public static func read(path: String) throws(ResearchError) -> GroundTruth {
    let bytes = try ResearchFiles.read(path) { .truth(path: $0, line: 0, reason: $1) }
    return try parse(bytes, path: path)
  }

  public static func parse(_ bytes: [UInt8], path: String) throws(ResearchError) -> GroundTruth {
    let root: JSONValue
    do {
      root = try JSONParser.parse(bytes)
    } catch {
      throw .truth(path: path, line: 0, reason: error.description)
    }
    func fail(_ reason: String) -> ResearchError { .truth(path: path, line: 0, reason: reason) }
    func key(_ v: JSONValue?) -> String? {
      guard let v else { return nil }
      if let i = v.intValue { return String(i) }
      return v.stringValue
    }
    guard let imageValues = root["images"]?.arrayValue else { throw fail("no \"images\" array") }
    var categories: [String: DetectionClass?] = [:]
    for (i, c) in (root["categories"]?.arrayValue ?? []).enumerated() {
      guard let id = key(c["id"]), let name = c["name"]?.stringValue else {
        throw fail("categories[\(i)] needs an id and a name")
      }
      categories[id] = ClassNames.detectionClass(forLabel: name) ?? nil
    }
    struct Pending {
      var file: String
      var width: Double?
      var height: Double?
      var classes: Set<DetectionClass> = []
      var boxes: [TruthBox] = []
      var unboxed = false
    }
    var images: [String: Pending] = [:]
    var order: [String] = []
    for (i, v) in imageValues.enumerated() {
      guard let id = key(v["id"]), let file = v["file_name"]?.stringValue else {
        throw fail("images[\(i)] needs an id and a file_name")
      }
      do {
        try ContainedPath.check(file, entry: "images[\(i)].file_name", in: path)
      } catch {
        throw fail(error.detail)
      }
      images[id] = Pending(
        file: file, width: v["width"]?.doubleValue, height: v["height"]?.doubleValue)
      order.append(id)
    }
    for (i, a) in (root["annotations"]?.arrayValue ?? []).enumerated() {
      guard let imageID = key(a["image_id"]), images[imageID] != nil else {
        throw fail("annotations[\(i)]: image_id is not one of the images")
      }
      guard let categoryID = key(a["category_id"]), let mapped = categories[categoryID] else {
        throw fail("annotations[\(i)]: category_id is not one of the categories")
      }
      guard let c = mapped else { continue }  // an "empty" annotation
      images[imageID]!.classes.insert(c)
      guard let bboxValue = a["bbox"], !bboxValue.isNull,
        let pixels = bboxValue.arrayValue?.compactMap(\.doubleValue), !pixels.isEmpty
      else {
        images[imageID]!.unboxed = true
        continue
      }
      let image = images[imageID]!
      guard pixels.count == 4 else { throw fail("annotations[\(i)]: bbox needs four numbers") }
      guard let w = image.width, let h = image.height, w > 0, h > 0 else {
        throw fail("images with id \(imageID) needs width and height to normalize its boxes")
      }
      let box = [pixels[0] / w, pixels[1] / h, pixels[2] / w, pixels[3] / h]
      if let problem = BoxCheck.problem(box) { throw fail("annotations[\(i)]: \(problem)") }
      images[imageID]!.boxes.append(TruthBox(c, bbox: box))
    }
    var truth = GroundTruth()
    truth.sources = [path]
    for id in order {
      let p = images[id]!
      truth.add(
        file: p.file, classes: p.classes, boxes: p.boxes,
        boxesComplete: !p.unboxed && (!p.boxes.isEmpty || p.classes.isEmpty))
    }
    return truth
  }
}
