import Foundation
import Testing

/// An earlier scan's checkpoint in `--out`, met without `--resume` or `--overwrite`, is a usage
/// mistake (exit 64, as the README says), and the earlier scan is left as it was.
@Suite(.enabled(if: Repository.lookoutExecutable != nil, "needs the built lookout executable"))
struct LeftoverCheckpointTests {
  @Test func anOldCheckpointWithoutResumeOrOverwriteIsAUsageError() throws {
    let folder = try TemporaryFolder("leftover-checkpoint")
    defer { folder.remove() }
    try copySamples([Repository.thermalSamples[0]], into: folder.sub("card"))
    let output = folder.sub("out")
    let first = try LookoutProcess.run(
      ["scan", folder.sub("card"), "--out", output, "--quiet"], outputPath: folder.sub("1.log"))
    try #require(first.status == 0, "\(first)")
    let before = ScanInputGuardTests.outputs(output)

    let again = try LookoutProcess.run(
      ["scan", folder.sub("card"), "--out", output, "--quiet"], outputPath: folder.sub("2.log"))
    #expect(again.status == 64, "\(again)")
    #expect(again.output.contains("--resume") && again.output.contains(output), "\(again)")
    let unchanged = ScanInputGuardTests.outputs(output) == before
    #expect(unchanged, "the earlier scan was changed")
  }
}
