import Foundation
import Testing

/// What `lookout watch` prints for a usage mistake: without an inbox or `--out` it prints its
/// whole help (as `--help` does), and any other mistake names watch's own usage, not the top
/// command's; both exit 64.
@Suite(.enabled(if: CrashTests.executable() != nil, "needs the built lookout executable"))
struct WatchUsageTests {
  @Test(arguments: [[String](), ["/tmp/lookout-usage-inbox"]])
  func withoutInboxOrOutItPrintsItsHelp(extra: [String]) throws {
    let run = try LookoutRun.run(["watch"] + extra)
    #expect(run.status == 64, "\(run.stderr)")
    #expect(run.stderr.contains(extra.isEmpty ? "no inbox folder given" : "no --out given"))
    // The help, not the top command's one-line usage.
    #expect(run.stderr.contains("USAGE: lookout watch"), "\(run.stderr)")
    #expect(run.stderr.contains("--webhook-url"), "\(run.stderr)")
    #expect(run.stderr.contains("--move-processed"), "\(run.stderr)")
    #expect(!run.stderr.contains("lookout <subcommand>"), "\(run.stderr)")
  }

  @Test func anotherMistakeNamesWatchsUsage() throws {
    let folder = TestFolder("watch-usage")
    defer { folder.remove() }
    let run = try LookoutRun.run([
      "watch", folder.sub("inbox"), "--out", folder.sub("out"), "--once", "--jobs", "0",
    ])
    #expect(run.status == 64, "\(run.stderr)")
    #expect(run.stderr.contains("jobs must be 1...64"), "\(run.stderr)")
    #expect(run.stderr.contains("lookout watch"), "\(run.stderr)")
    #expect(!run.stderr.contains("lookout <subcommand>"), "\(run.stderr)")
  }

  /// `--event-gap` is scan's name for `--group-window` (one rule, ``EventGap``), and the static
  /// options are scan's own.
  @Test func eventGapIsTheGroupWindowAndTheStaticOptionsAreScans() throws {
    let folder = TestFolder("watch-event-gap")
    defer { folder.remove() }
    let common = ["watch", folder.sub("inbox"), "--out", folder.sub("out"), "--once"]
    let gap = try LookoutRun.run(common + ["--event-gap", "90000"])
    #expect(gap.status == 64, "\(gap.stderr)")
    #expect(gap.stderr.contains("--group-window must be from 0 to 86400 seconds"), "\(gap.stderr)")
    let events = try LookoutRun.run(common + ["--static-min-events", "2"])
    #expect(events.status == 64, "\(events.stderr)")
    #expect(events.stderr.contains("--static-min-events must be 3 or more"), "\(events.stderr)")
  }
}
