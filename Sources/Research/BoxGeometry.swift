/// Geometry of normalized `[x, y, width, height]` boxes.
public enum BoxGeometry {
  /// Intersection over union of two boxes; 0 when either has no area.
  public static func iou(_ a: [Double], _ b: [Double]) -> Double {
    let ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    let iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    let intersection = ix * iy
    let union = a[2] * a[3] + b[2] * b[3] - intersection
    return union > 0 ? intersection / union : 0
  }
}
