import Foundation
import Testing

@testable import ImageIO

/// Access to the committed files in Tests/ImageIOTests/Fixtures (made by
/// scripts/make_imageio_fixtures.py).
enum Fixture {
  static var directory: URL {
    Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
  }

  static func path(_ name: String) -> String {
    directory.appendingPathComponent(name).path
  }

  static func bytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
  }

  /// A reference image stored as raw RGB; the size is given by the caller (it is in the name).
  static func rgb(_ name: String, width: Int, height: Int) throws -> RGBImage {
    let pixels = try bytes(name)
    #expect(pixels.count == width * height * 3, "\(name) has the wrong size")
    return RGBImage(width: width, height: height, pixels: pixels)
  }
}

/// The largest absolute difference between two same-sized images' bytes; nil when the sizes
/// differ.
func maxAbsDifference(_ a: RGBImage, _ b: RGBImage) -> Int? {
  guard a.width == b.width, a.height == b.height else { return nil }
  var worst = 0
  for (x, y) in zip(a.pixels, b.pixels) { worst = max(worst, abs(Int(x) - Int(y))) }
  return worst
}

/// Decodes in-memory bytes, returning the error instead of throwing it.
func decodeResult(
  _ data: [UInt8], path: String = "test.img", options: DecodeOptions = DecodeOptions()
) -> Result<DecodedImage, ImageDecodeError> {
  do throws(ImageDecodeError) {
    return .success(try ImageDecoder.decode(data: data, path: path, options: options))
  } catch {
    return .failure(error)
  }
}

/// The error decoding `data` throws, or nil when it decodes.
func decodeError(
  _ data: [UInt8], path: String = "test.img", options: DecodeOptions = DecodeOptions()
) -> ImageDecodeError? {
  if case .failure(let error) = decodeResult(data, path: path, options: options) { return error }
  return nil
}

/// A fresh empty directory under the system temporary directory, removed by the caller.
func makeTemporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("imageio-tests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}
