import Foundation
import Formats
import LookoutCore
import Testing

@testable import Pipeline

/// The static pass keeps a card's candidates in memory only up to a limit and the rest in an
/// unlinked temporary file; what it decides must not depend on where they were.
@Suite struct StaticCandidateStoreTests {
  typealias Candidate = StaticCandidateStore.Candidate

  static func candidate(_ n: Int) -> Candidate {
    Candidate(
      image: Int32(n / 2), camera: Int32(n % 3), detection: UInt16(n % 2), classIndex: 1,
      x: Float(n) / 100, y: 0.5, width: 0.1, height: 0.2)
  }

  static func folderIsEmpty(_ folder: URL) throws -> Bool {
    try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty
  }

  @Test func candidatesComeBackInOrderFromMemoryAndFile() throws {
    let folder = try ScanFixtures.temporaryFolder()
    let store = StaticCandidateStore(directory: folder.path, memoryLimit: 3)
    let added = (0..<10).map(Self.candidate)
    for candidate in added { try store.append(candidate) }
    #expect(store.countInFile == 9)
    #expect(store.count == 10)
    #expect(store.countByCamera == [4, 3, 3])
    // Unlinked as soon as it was made: the folder shows nothing.
    #expect(try Self.folderIsEmpty(folder))

    var read: [Candidate] = []
    var positions: [Int] = []
    try store.forEach { position, candidate in
      positions.append(position)
      read.append(candidate)
    }
    #expect(read == added)
    #expect(positions == Array(0..<10))

    var cursor = store.makeCursor()
    var walked: [Candidate] = []
    while let candidate = try cursor.current() {
      walked.append(candidate)
      cursor.advance()
    }
    #expect(walked == added)
    #expect(try cursor.previousImage() == 4)
  }

  /// The stump card (one camera, 120 images, a stump in each) at three cameras.
  static func threeCameraCard() -> [ImageOutcome] {
    ["site-a/cam1", "site-a/cam2", "site-b/cam1"].flatMap {
      StaticDetectionTests.stumpCard(camera: $0)
    }
  }

  /// Runs the grouping pass over `outcomes` (file order) with `inMemory` candidates at most in
  /// memory; returns its static marks and how many candidates went to the file.
  static func group(_ outcomes: [ImageOutcome], inMemory: Int, folder: URL) throws -> (
    statics: StaticMarks, inFile: Int
  ) {
    var grouping = CardGrouping(
      gapSeconds: 60, staticRule: .standard,
      alertRule: AlertRule(
        modelVersion: "9.9.9", defaults: ModelBundle.fallbackThresholds,
        overrides: ClassThresholds()),
      locator: AlertingSettings().locator, spillDirectory: folder.path,
      candidatesInMemory: inMemory)
    for outcome in outcomes { try grouping.add(outcome) }
    let (_, statics) = try grouping.finish()
    return (statics, grouping.staticCandidatesInFile)
  }

  /// The marks of every image, asked in file order, and how many candidates went to the file.
  static func marks(_ outcomes: [ImageOutcome], inMemory: Int, folder: URL) throws -> (
    marks: [[Int]?], inFile: Int
  ) {
    let (statics, inFile) = try group(outcomes, inMemory: inMemory, folder: folder)
    let marks = try outcomes.indices.map { try statics.detections(at: $0)?.detections.sorted() }
    return (marks, inFile)
  }

  @Test func aCardWhoseCandidatesOverflowToTheFileHasTheSameStaticMarks() throws {
    let folder = try ScanFixtures.temporaryFolder()
    let outcomes = Self.threeCameraCard()
    let inMemory = try Self.marks(outcomes, inMemory: 100_000, folder: folder)
    // 7 candidates in memory: most are in the file, and each camera (120 stumps and 6 walker
    // boxes) is a batch of its own, read back from the file.
    let spilled = try Self.marks(outcomes, inMemory: 7, folder: folder)
    #expect(inMemory.inFile == 0)
    #expect(spilled.inFile == 378 - 378 % 7)
    #expect(spilled.marks == inMemory.marks)
    // The stump is static in every one of the 360 images, the walker in none.
    #expect(inMemory.marks.compactMap { $0 }.count == 360)
    #expect(inMemory.marks.allSatisfy { $0 == [0] })
    #expect(try Self.folderIsEmpty(folder))
  }

  @Test func marksAskedOutOfOrderAreStillRight() throws {
    let folder = try ScanFixtures.temporaryFolder()
    let (statics, inFile) = try Self.group(Self.threeCameraCard(), inMemory: 5, folder: folder)
    #expect(inFile == 375)
    let last = try #require(try statics.detections(at: 359))
    #expect(last.camera == "site-b/cam1")
    #expect(last.detections == [0])
    // Back to the first image, and the same image twice.
    #expect(try statics.detections(at: 0)?.camera == "site-a/cam1")
    #expect(try statics.detections(at: 0)?.detections == [0])
    #expect(try statics.detections(at: 130)?.camera == "site-a/cam2")
  }
}
