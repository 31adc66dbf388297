import ArgumentParser
import Foundation
import ImageIO

/// Lookout's own decoder alone (file already in memory) at the size the scan asks for, so its
/// cost can be set beside `djpeg`'s in the same run.
struct DecodeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "decode", abstract: "Decode time per image with Lookout's decoder, one thread.")

  @Option(help: "Smallest long side asked of the decoder (the scan asks for the input size).")
  var longSide: Int = 640

  @Option(help: "Passes over the files; the median per-image time is reported.")
  var repetitions: Int = 3

  @Flag(help: "Print one JSON object.")
  var json = false

  @Argument(help: "JPEG or PNG files.")
  var files: [String]

  func run() throws {
    let contents = try files.map { try [UInt8](Data(contentsOf: URL(fileURLWithPath: $0))) }
    var perImage: [Double] = []
    var cpuPerImage: [Double] = []
    var size = (0, 0)
    for _ in 0..<repetitions {
      let t0 = now()
      let c0 = threadCPUTime()
      for (path, data) in zip(files, contents) {
        let decoded = try ImageDecoder.decode(
          data: data, path: path, options: DecodeOptions(minimumLongSide: longSide))
        size = (decoded.image.width, decoded.image.height)
      }
      cpuPerImage.append((threadCPUTime() - c0) / Double(files.count))
      perImage.append((now() - t0) / Double(files.count))
    }
    let ms = median(perImage) * 1e3
    let cpuMs = median(cpuPerImage) * 1e3
    if json {
      printJSON([
        "decode_ms": ms, "decode_cpu_ms": cpuMs, "width": size.0, "height": size.1,
        "files": files.count,
      ])
    } else {
      print(
        String(
          format: "decode to long side >= %d: %.2f ms/image, %.2f CPU ms (%dx%d), %d files",
          longSide, ms, cpuMs, size.0, size.1, files.count))
    }
  }
}
