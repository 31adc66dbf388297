import Crypto
import Formats
import Foundation
import LookoutCore
import LookoutSystem

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The ``AlertingSettings`` a scan folder's outputs were written with, kept in its `.lookout/`
/// folder so that `rethreshold` and `merge` derive the same alerts:
///
/// - `alerting.json`: the per-site thresholds, and for each file where it was read from and its
///   SHA-256, e.g.
///   `{"site_thresholds": {"river-camp": {"person": 0.35}},
///     "deployments": {"read_from": "deployments.csv", "sha256": "…"}, "areas": null}`,
///   and `"site"` and `"camera"` when `--site` and `--camera` were given;
/// - `deployments.csv` and `areas.geojson`: the files byte for byte, when they were given.
///
/// They are written with the outputs: staged (``stage(_:in:directory:)``, atomically, before any
/// output is replaced) and moved into place by ``commit(_:from:directory:)``. A copy whose digest
/// is not the one `alerting.json` names (a run stopped between the renames) is refused when read
/// back, never used. A folder without `alerting.json` (written before Lookout kept one) reads as
/// the empty settings.
enum AlertingRecord {
  static let fileName = "alerting.json"
  static let deploymentsCopy = "deployments.csv"
  static let areasCopy = "areas.geojson"

  /// The three files, for ``OutputFiles/removeStaleTemporaries(in:)``.
  static let fileNames: Set<String> = [fileName, deploymentsCopy, areasCopy]

  static func encode(_ settings: AlertingSettings) -> [UInt8] {
    func sorted<T>(_ map: [String: T]) -> [(String, T)] {
      map.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }
    // Each threshold as the Float it is applied as, printed short (0.35), like summary.json's.
    let sites = sorted(settings.siteThresholds).map { site, classes in
      (
        site,
        JSONValue.object(sorted(classes).map { ($0.0, .number(ScanOutputs.decimal(Float($0.1)))) })
      )
    }
    func file(_ input: AlertingInput?) -> JSONValue {
      guard let input else { return .null }
      return .object([
        ("read_from", .string(input.path)), ("sha256", .string(SHA256.hexDigest(input.bytes))),
      ])
    }
    var members: [(String, JSONValue)] = [
      ("site_thresholds", .object(sites)), ("deployments", file(settings.deployments)),
      ("areas", file(settings.areas)),
    ]
    // Only when given, so a record without them reads (and is written) as before.
    if let site = settings.given.site { members.append(("site", .string(site))) }
    if let camera = settings.given.camera { members.append(("camera", .string(camera))) }
    let value = JSONValue.object(members)
    return Array((JSONWriter.pretty.string(value) + "\n").utf8)
  }

  /// Writes the record and the copies into `staging`; errors name the files they will become in
  /// `directory` (the `.lookout` folder).
  static func stage(
    _ settings: AlertingSettings, in staging: String, directory: String
  ) throws(ScanError) {
    func write(_ bytes: [UInt8], _ name: String) throws(ScanError) {
      do {
        try AtomicFileWriter.write(bytes, to: staging + "/" + name)
      } catch {
        throw .outputFile(path: directory + "/" + name, cause: error)
      }
    }
    if let deployments = settings.deployments { try write(deployments.bytes, deploymentsCopy) }
    if let areas = settings.areas { try write(areas.bytes, areasCopy) }
    try write(encode(settings), fileName)
  }

  /// Moves the staged files into `directory`, removes a copy `settings` has no file for, and
  /// moves the record last.
  static func commit(
    _ settings: AlertingSettings, from staging: String, directory: String
  ) throws(ScanError) {
    for (name, input) in [(deploymentsCopy, settings.deployments), (areasCopy, settings.areas)] {
      let target = directory + "/" + name
      if input != nil {
        try OutputFiles.moveIntoPlace(staging + "/" + name, at: target)
      } else {
        do {
          try PathCall.removeFileIfPresent(target)
        } catch {
          throw .outputFile(
            path: target, cause: FileIOError(path: target, step: .remove, errno: error))
        }
      }
    }
    try OutputFiles.moveIntoPlace(staging + "/" + fileName, at: directory + "/" + fileName)
  }

  /// Reads the settings kept in `directory` (a `.lookout` folder) of the scan folder `scan`.
  static func load(directory: String, scan: String) throws -> AlertingSettings {
    let recordPath = directory + "/" + fileName
    guard FileManager.default.fileExists(atPath: recordPath) else { return AlertingSettings() }
    func broken(_ reason: String) -> MergeError {
      .unfinished(path: scan, reason: ".lookout/\(fileName): \(reason)")
    }
    let record: JSONValue
    do {
      record = try JSONParser.parse(try FileReader.read(recordPath))
    } catch let error as FileIOError {
      throw broken(error.reason)
    } catch {
      throw broken("\(error)")
    }
    var sites: [String: [String: Double]] = [:]
    guard let siteMembers = record["site_thresholds"]?.objectMembers else {
      throw broken("no \"site_thresholds\" object")
    }
    for (site, classes) in siteMembers {
      guard let classMembers = classes.objectMembers else {
        throw broken("\"site_thresholds.\(site)\" is not an object")
      }
      for (name, value) in classMembers {
        guard let number = value.doubleValue else {
          throw broken("\"site_thresholds.\(site).\(name)\" is not a number")
        }
        sites[site, default: [:]][name] = number
      }
    }
    func copy(_ member: String, _ name: String) throws -> (copy: AlertingInput, readFrom: String)? {
      guard let entry = record[member], !entry.isNull else { return nil }
      guard let readFrom = entry["read_from"]?.stringValue,
        let digest = entry["sha256"]?.stringValue
      else { throw broken("\"\(member)\" has no \"read_from\" and \"sha256\"") }
      let path = directory + "/" + name
      let bytes: [UInt8]
      do {
        bytes = try FileReader.read(path)
      } catch {
        throw MergeError.unfinished(path: scan, reason: ".lookout/\(name): \(error.reason)")
      }
      guard SHA256.hexDigest(bytes) == digest else {
        throw MergeError.unfinished(
          path: scan,
          reason: ".lookout/\(name) is not the file .lookout/\(fileName) names; "
            + "run the scan again with --resume")
      }
      return (AlertingInput(path: path, bytes: bytes), readFrom)
    }
    // Parsed under the copies' names (the files a parse error would be in), kept under the
    // names they were read from.
    let deployments = try copy("deployments", deploymentsCopy)
    let areas = try copy("areas", areasCopy)
    func name(_ member: String) throws -> String? {
      guard let entry = record[member], !entry.isNull else { return nil }
      guard let text = entry.stringValue else { throw broken("\"\(member)\" is not a string") }
      return text
    }
    var settings = try AlertingSettings(
      siteThresholds: sites, deployments: deployments?.copy, areas: areas?.copy,
      given: ImageOrigin(site: try name("site"), camera: try name("camera")))
    settings.deployments?.path = deployments?.readFrom ?? ""
    settings.areas?.path = areas?.readFrom ?? ""
    return settings
  }
}
