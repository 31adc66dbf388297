import Foundation
import Testing

@testable import Pipeline

/// Where `scan` and `watch` look for the model: an installed `PREFIX/bin/lookout` finds
/// `PREFIX/share/lookout/` by its own path, whatever the working directory, and
/// `LOOKOUT_MODEL_DIR` wins over every folder near the binary.
@Suite struct ModelLocationTests {
  /// A temporary install tree: `bin/lookout` (an empty file) and the model's JSON in `modelFolder`.
  static func installTree(modelFolder: String) throws -> URL {
    let prefix = FileManager.default.temporaryDirectory
      .appendingPathComponent("lookout-model-location-\(UUID().uuidString)")
    let bin = prefix.appendingPathComponent("bin")
    try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
    try Data().write(to: bin.appendingPathComponent("lookout"))
    let models = prefix.appendingPathComponent(modelFolder)
    try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
    try Data("{}".utf8).write(to: models.appendingPathComponent("lookout-det.json"))
    return prefix
  }

  @Test func theInstalledBinaryFindsTheModelInShareLookout() throws {
    let prefix = try Self.installTree(modelFolder: "share/lookout")
    defer { try? FileManager.default.removeItem(at: prefix) }
    let found = ModelLocation.resolve(
      explicit: nil, name: "lookout-det", environment: [:],
      executablePath: prefix.appendingPathComponent("bin/lookout").path)
    #expect(found == prefix.appendingPathComponent("share/lookout").path)
  }

  @Test func theOlderShareLookoutModelsLayoutIsStillFound() throws {
    let prefix = try Self.installTree(modelFolder: "share/lookout/Models")
    defer { try? FileManager.default.removeItem(at: prefix) }
    let found = ModelLocation.resolve(
      explicit: nil, name: "lookout-det", environment: [:],
      executablePath: prefix.appendingPathComponent("bin/lookout").path)
    #expect(found == prefix.appendingPathComponent("share/lookout/Models").path)
  }

  @Test func lookoutModelDirWinsOverTheFolderNearTheBinary() throws {
    let prefix = try Self.installTree(modelFolder: "share/lookout")
    defer { try? FileManager.default.removeItem(at: prefix) }
    let found = ModelLocation.resolve(
      explicit: nil, name: "lookout-det", environment: ["LOOKOUT_MODEL_DIR": "/srv/models"],
      executablePath: prefix.appendingPathComponent("bin/lookout").path)
    #expect(found == "/srv/models")
  }

  @Test func modelDirOptionWinsOverLookoutModelDir() {
    let found = ModelLocation.resolve(
      explicit: "/opt/m", name: "lookout-det", environment: ["LOOKOUT_MODEL_DIR": "/srv/models"],
      executablePath: "/nowhere/bin/lookout", fileExists: { _ in false })
    #expect(found == "/opt/m")
  }

  @Test func anEmptyLookoutModelDirIsIgnored() throws {
    let prefix = try Self.installTree(modelFolder: "share/lookout")
    defer { try? FileManager.default.removeItem(at: prefix) }
    let found = ModelLocation.resolve(
      explicit: nil, name: "lookout-det", environment: ["LOOKOUT_MODEL_DIR": ""],
      executablePath: prefix.appendingPathComponent("bin/lookout").path)
    #expect(found == prefix.appendingPathComponent("share/lookout").path)
  }

  @Test func noModelAnywhereIsNil() {
    let found = ModelLocation.resolve(
      explicit: nil, name: "lookout-det", environment: [:],
      executablePath: "/nowhere/bin/lookout", fileExists: { _ in false })
    #expect(found == nil)
  }

  /// The running test binary's own path comes from the operating system: an absolute path to a
  /// file that exists, even though `argv[0]` may be relative.
  @Test func theCurrentExecutablePathIsAbsoluteAndExists() {
    let path = ModelLocation.currentExecutablePath()
    #expect(path.hasPrefix("/"))
    #expect(FileManager.default.isExecutableFile(atPath: path))
  }
}
