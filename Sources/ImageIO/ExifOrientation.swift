/// EXIF orientation 1...8 (TIFF tag 0x0112), with the transform that displays the image upright.
///
/// Case names describe where the stored image's top row ends up (the names Apple's
/// `CGImagePropertyOrientation` uses). The TIFF meaning of each value, "row 0 / column 0 is
/// the visual ...":
/// - 1 `up`: top / left. Stored upright.
/// - 2 `upMirrored`: top / right. Mirror left-right to display.
/// - 3 `down`: bottom / right. Rotate 180 degrees.
/// - 4 `downMirrored`: bottom / left. Mirror top-bottom.
/// - 5 `leftMirrored`: left / top. Transpose (swap x and y).
/// - 6 `right`: right / top. Rotate 90 degrees clockwise.
/// - 7 `rightMirrored`: right / bottom. Transverse (mirror across the anti-diagonal).
/// - 8 `left`: left / bottom. Rotate 90 degrees counter-clockwise.
public enum ExifOrientation: Int, Sendable, CaseIterable {
  case up = 1
  case upMirrored = 2
  case down = 3
  case downMirrored = 4
  case leftMirrored = 5
  case right = 6
  case rightMirrored = 7
  case left = 8

  /// True for 5...8, whose upright image has width and height exchanged.
  public var swapsDimensions: Bool { rawValue >= 5 }

  /// The upright size of an image stored as `width` x `height`.
  public func displaySize(width: Int, height: Int) -> (width: Int, height: Int) {
    swapsDimensions ? (height, width) : (width, height)
  }
}

extension RGBImage {
  /// The image as it should be displayed when stored with `orientation`: the transform
  /// listed on `ExifOrientation`, exact (pixels are moved, never resampled). For 5...8 the
  /// result is `height` x `width`.
  public func applying(_ orientation: ExifOrientation) -> RGBImage {
    guard orientation != .up else { return self }
    let (outWidth, outHeight) = orientation.displaySize(width: width, height: height)
    guard width > 0, height > 0 else {
      return RGBImage(width: outWidth, height: outHeight, pixels: [])
    }
    // Source pixel index = start + stepX * outX + stepY * outY, for every orientation.
    let w = width
    let h = height
    let (start, stepX, stepY): (Int, Int, Int)
    switch orientation {
    case .up: (start, stepX, stepY) = (0, 1, w)
    case .upMirrored: (start, stepX, stepY) = (w - 1, -1, w)
    case .down: (start, stepX, stepY) = ((h - 1) * w + w - 1, -1, -w)
    case .downMirrored: (start, stepX, stepY) = ((h - 1) * w, 1, -w)
    case .leftMirrored: (start, stepX, stepY) = (0, w, 1)
    case .right: (start, stepX, stepY) = ((h - 1) * w, -w, 1)
    case .rightMirrored: (start, stepX, stepY) = ((h - 1) * w + w - 1, -w, -1)
    case .left: (start, stepX, stepY) = (w - 1, w, -1)
    }
    let out = [UInt8](unsafeUninitializedCapacity: pixels.count) { buffer, initialized in
      pixels.withUnsafeBufferPointer { source in
        var destination = 0
        for outY in 0..<outHeight {
          var sourcePixel = start + stepY * outY
          for _ in 0..<outWidth {
            let sourceIndex = sourcePixel * 3
            buffer[destination] = source[sourceIndex]
            buffer[destination + 1] = source[sourceIndex + 1]
            buffer[destination + 2] = source[sourceIndex + 2]
            destination += 3
            sourcePixel += stepX
          }
        }
      }
      initialized = pixels.count
    }
    return RGBImage(width: outWidth, height: outHeight, pixels: out)
  }
}
