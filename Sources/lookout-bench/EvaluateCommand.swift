import ArgumentParser
import Detector
import Foundation
import LookoutCore
import Pipeline

/// Person recall and decode+detect time at several decode sizes: what scaling JPEGs below the
/// network's input (e.g. 1/8 instead of 2/8 for 12 MP photos) costs in small-person detection.
/// One lane (`ImageScanner`, as `lookout scan` runs it), the model's own person threshold.
struct EvaluateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract: "Person recall and time per image at several JPEG decode sizes.")

  @Option(help: "Folder the CSV's file names are relative to.")
  var images: String

  @Option(
    help:
      "Ground truth: file,class,x,y,w,h (normalized, top-left + size); every file listed is scanned."
  )
  var boxes: String

  @Option(help: "Comma-separated decode long sides to compare (640: the input size, the default).")
  var decodeLongSides: String = "640,500"

  @Option(help: "IoU for a detection to count as finding a person box.")
  var iou: Float = 0.5

  @Option(help: "Folder with lookout-det.json and .safetensors (default: ./Models).")
  var modelDir: String?

  @Flag(help: "Print one JSON object.")
  var json = false

  func run() throws {
    let sides = decodeLongSides.split(separator: ",").compactMap { Int($0) }
    let model = try ModelBundle.load(
      directory: modelDirectory(modelDir).path, name: "lookout-det")
    let threshold = model.defaultThresholds.person
    var truth: [String: [[Float]]] = [:]  // file -> person boxes
    var files: [String] = []
    let lines = try String(contentsOfFile: boxes, encoding: .utf8).split(separator: "\n")
      .dropFirst()
    for line in lines {
      let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      guard f.count == 6 else { continue }
      if truth[f[0]] == nil {
        files.append(f[0])
        truth[f[0]] = []
      }
      if f[1] == "person" { truth[f[0]]!.append(f[2...5].compactMap { Float($0) }) }
    }
    var results: [[String: Any]] = []
    for side in sides {
      var settings = ImageScanSettings(tile: .off)
      settings.decodeLongSide = side
      let scanner = ImageScanner(model: model.detector, settings: settings)
      var found = 0
      var total = 0
      var imagesWithPeople = 0
      var imagesAlerted = 0
      var falsePositives = 0
      var cpu = 0.0
      for file in files {
        let url = URL(fileURLWithPath: images).appendingPathComponent(file)
        let card = CardFile(
          relativePath: file, path: Array(url.path.utf8), size: 0, modifiedNanoseconds: 0)
        let c0 = threadCPUTime()
        let outcome = scanner.scan(card)
        cpu += threadCPUTime() - c0
        let people = (outcome.detections ?? []).filter {
          $0.classIndex == DetectionClass.person.index && $0.confidence >= threshold
        }
        let gt = truth[file]!
        var used = [Bool](repeating: false, count: people.count)
        for box in gt {
          var best = -1
          var bestIoU: Float = iou
          for (j, d) in people.enumerated() where !used[j] {
            let v = Self.iou(box, d.box)
            if v >= bestIoU {
              best = j
              bestIoU = v
            }
          }
          if best >= 0 {
            used[best] = true
            found += 1
          }
        }
        total += gt.count
        falsePositives += used.filter { !$0 }.count
        if !gt.isEmpty {
          imagesWithPeople += 1
          if !people.isEmpty { imagesAlerted += 1 }
        }
      }
      results.append([
        "decode_long_side": side, "person_boxes": total, "boxes_found": found,
        "box_recall": total > 0 ? Double(found) / Double(total) : 0,
        "images_with_people": imagesWithPeople, "images_alerted": imagesAlerted,
        "image_recall": imagesWithPeople > 0
          ? Double(imagesAlerted) / Double(imagesWithPeople) : 0,
        "unmatched_person_detections": falsePositives,
        "cpu_ms_per_image": cpu / Double(max(files.count, 1)) * 1e3,
      ])
    }
    if json {
      printJSON([
        "threshold": threshold, "iou": iou, "images": files.count, "results": results,
      ])
      return
    }
    print(
      String(
        format: "%d images, person threshold %.2f, IoU >= %.2f", files.count, threshold, iou))
    for r in results {
      print(
        String(
          format:
            "  decode long side >= %4d: box recall %.3f (%d/%d), image recall %.3f (%d/%d), "
            + "%d unmatched person detections, %.1f CPU ms/image",
          r["decode_long_side"] as! Int, r["box_recall"] as! Double, r["boxes_found"] as! Int,
          r["person_boxes"] as! Int, r["image_recall"] as! Double, r["images_alerted"] as! Int,
          r["images_with_people"] as! Int, r["unmatched_person_detections"] as! Int,
          r["cpu_ms_per_image"] as! Double))
    }
  }

  /// IoU of two [x, y, w, h] boxes.
  static func iou(_ a: [Float], _ b: [Float]) -> Float {
    let iw = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    let ih = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    guard iw > 0, ih > 0 else { return 0 }
    let inter = iw * ih
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)
  }
}
