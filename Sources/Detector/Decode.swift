import Foundation
import LookoutCore

/// Decodes a CenterNet head (the network output, HWC at `head.stride`) into detections, before
/// NMS, appending them to `detections` (emptied first, capacity kept).
///
/// A detection is a cell `(x, y)` and class `k` whose score `sigmoid(logit)` is at least
/// `minimumConfidence` and whose logit is the maximum of its 3x3 neighbourhood in channel `k`
/// (ties all count as peaks; NMS sorts them out). Only cells whose top-left corner lies in the
/// resized image (not in the padding) are considered. The box centre is
/// `((x + sigmoid(offset_x)) * stride, (y + sigmoid(offset_y)) * stride)` and its size
/// `exp(log_size) * size_unit` in input pixels; it is mapped back to the image (divided by the
/// resize scale per axis), clipped to the image, and normalized to 0...1 (top-left + size).
/// Boxes that are empty after clipping are dropped.
func decodeCenterNet(
  output: TensorView, head: ModelGraph.Head, geometry g: LetterboxGeometry,
  minimumConfidence: Float, into detections: inout [Detection]
) {
  detections.removeAll(keepingCapacity: true)
  let stride = head.stride
  let cellsX = min(output.width, (g.resizedWidth + stride - 1) / stride)
  let cellsY = min(output.height, (g.resizedHeight + stride - 1) / stride)
  // Logit prefilter (sigmoid is monotonic); the exact score is checked afterwards.
  let threshold: Float =
    minimumConfidence <= 0
    ? -.infinity
    : (minimumConfidence >= 1 ? .infinity : log(minimumConfidence / (1 - minimumConfidence)) - 1e-3)
  let imageW = Float(g.imageWidth)
  let imageH = Float(g.imageHeight)
  let scaleX = Float(g.scaleX)
  let scaleY = Float(g.scaleY)
  let cellSize = Float(stride)
  for (k, channel) in head.heatmapChannels.enumerated() {
    let detectionClass = DetectionClass(rawValue: k)!
    for y in 0..<cellsY {
      for x in 0..<cellsX {
        let cell = output.pixel(y, x)
        let v = cell[channel]
        if v < threshold { continue }
        var isPeak = true
        neighbourhood: for ny in max(y - 1, 0)...min(y + 1, output.height - 1) {
          for nx in max(x - 1, 0)...min(x + 1, output.width - 1)
          where output.pixel(ny, nx)[channel] > v {
            isPeak = false
            break neighbourhood
          }
        }
        if !isPeak { continue }
        let score = sigmoid(v)
        if !(score >= minimumConfidence) { continue }  // also drops NaN
        let cx = (Float(x) + sigmoid(cell[head.offsetChannels[0]])) * cellSize / scaleX
        let cy = (Float(y) + sigmoid(cell[head.offsetChannels[1]])) * cellSize / scaleY
        let w = exp(cell[head.logSizeChannels[0]]) * head.sizeUnit / scaleX
        let h = exp(cell[head.logSizeChannels[1]]) * head.sizeUnit / scaleY
        let x0 = min(max(cx - w / 2, 0), imageW)
        let x1 = min(max(cx + w / 2, 0), imageW)
        let y0 = min(max(cy - h / 2, 0), imageH)
        let y1 = min(max(cy + h / 2, 0), imageH)
        guard x1 > x0, y1 > y0 else { continue }
        detections.append(
          Detection(
            detectionClass: detectionClass, confidence: score,
            box: NormalizedBox(
              x: x0 / imageW, y: y0 / imageH, width: (x1 - x0) / imageW, height: (y1 - y0) / imageH)
          ))
      }
    }
  }
}
