import Foundation
import FuzzTargets
import Testing

/// Every input kept in Fuzz/Regressions/<target>/ (findings of scripts/fuzz, after the fix) and
/// every seed, replayed through its fuzz target: each must return normally.
@Suite struct FuzzRegressionTests {
  @Test(arguments: FuzzTarget.all.map(\.name))
  func savedInputsReplayWithoutACrash(target name: String) throws {
    let target = try #require(FuzzTarget.named(name))
    let folder = Seeds.root + "/Fuzz/Regressions/" + name
    let saved = Seeds.files(at: folder).filter { !$0.hasSuffix(".md") }
    for file in saved {
      target.run(readBytes(file))
    }
    let seeds = Seeds.make(name)
    #expect(!seeds.isEmpty, "no seeds for \(name)")
    for (_, bytes) in seeds { target.run(bytes) }
  }
}
