import Foundation

/// Headless Chromium, for tests that check what a person would see. Tests that need it are
/// skipped when it is not installed (`apt-get install chromium`; `LOOKOUT_CHROMIUM` names
/// another binary) — except under CI (`CI=true`), where they run and fail, so a broken install
/// step can never pass as a skipped check.
enum Browser {
  static let path: String? = {
    let env = ProcessInfo.processInfo.environment["LOOKOUT_CHROMIUM"]
    let candidates = [
      env, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
    ]
    return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }()

  static var available: Bool { path != nil || ProcessInfo.processInfo.environment["CI"] == "true" }

  struct Missing: Error, CustomStringConvertible {
    var description: String { "headless Chromium is not installed (apt-get install chromium)" }
  }

  static func run(_ arguments: [String]) throws -> String {
    let process = Process()
    guard let path else { throw Missing() }
    process.executableURL = URL(fileURLWithPath: path)
    let profile = try Fixture.scratchFolder("chromium-profile")
    defer { try? FileManager.default.removeItem(atPath: profile) }
    process.arguments =
      [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
        "--user-data-dir=\(profile)", "--virtual-time-budget=15000",
        // A screenshot only once every compositor stage has run (no half-painted tiles).
        "--run-all-compositor-stages-before-draw",
      ] + arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }

  /// The DOM after the page's scripts ran, in a window of `size` ("width,height") when given.
  static func dom(_ file: String, fragment: String = "", size: String? = nil) throws -> String {
    try run(
      (size.map { ["--window-size=\($0)"] } ?? [])
        + ["--dump-dom", URL(fileURLWithPath: file).absoluteString + fragment])
  }

  /// A PNG screenshot of the page.
  static func screenshot(_ file: String, to png: String, size: String = "1200,900") throws {
    _ = try run([
      "--screenshot=\(png)", "--window-size=\(size)", URL(fileURLWithPath: file).absoluteString,
    ])
  }
}

/// Tiny 24-bit BMP images (which browsers show), so tests need no image encoder.
enum TestImage {
  /// A `width`×`height` image filled with `background`, with a `foreground` rectangle covering
  /// the normalized `rect` [x, y, w, h].
  static func bmp(
    width: Int, height: Int, background: (UInt8, UInt8, UInt8),
    foreground: (UInt8, UInt8, UInt8), rect: [Double]
  ) -> [UInt8] {
    let rowBytes = (width * 3 + 3) & ~3
    let size = 54 + rowBytes * height
    var b = [UInt8](repeating: 0, count: size)
    func put32(_ v: Int, _ at: Int) { for i in 0..<4 { b[at + i] = UInt8((v >> (8 * i)) & 0xFF) } }
    b[0] = 0x42; b[1] = 0x4D
    put32(size, 2); put32(54, 10); put32(40, 14); put32(width, 18); put32(height, 22)
    b[26] = 1; b[28] = 24; put32(rowBytes * height, 34)
    for y in 0..<height {
      let row = 54 + (height - 1 - y) * rowBytes  // bottom-up
      for x in 0..<width {
        let fx = Double(x) / Double(width), fy = Double(y) / Double(height)
        let inside =
          fx >= rect[0] && fx < rect[0] + rect[2] && fy >= rect[1] && fy < rect[1] + rect[3]
        let c = inside ? foreground : background
        b[row + x * 3] = c.2; b[row + x * 3 + 1] = c.1; b[row + x * 3 + 2] = c.0
      }
    }
    return b
  }
}
