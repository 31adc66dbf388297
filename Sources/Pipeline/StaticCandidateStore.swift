import LookoutSystem
import SystemPackage

/// A card's static candidates (``StaticDetectionFinder``) in the order they were added, which
/// is file order: up to `memoryLimit` of them in memory, the rest in a temporary file, so a card
/// with a million alerting boxes costs the same memory as one with a thousand.
///
/// The file is made in the given folder (the output's staging folder, on the disk the outputs
/// go to, never a RAM-backed `/tmp`) and unlinked at once: it is gone when the store is, and a
/// killed run leaves nothing behind. Records are read back in order, a chunk at a time.
final class StaticCandidateStore {
  /// One box of an alerting class at or above its threshold: 28 bytes.
  struct Candidate: BitwiseCopyable, Equatable {
    /// The image's index in file order.
    var image: Int32
    /// The camera's number (``EventGrouper``).
    var camera: Int32
    /// The box's index among its image's detections.
    var detection: UInt16
    var classIndex: UInt8
    var x: Float
    var y: Float
    var width: Float
    var height: Float
  }

  /// The most candidates kept in memory; the default is 65,536 (1.8 MB).
  let memoryLimit: Int
  /// Where the temporary file is made.
  let directory: String
  /// The candidates not yet in the file, the newest last.
  private var memory: [Candidate] = []
  private var file: FileDescriptor?
  /// How many candidates the file holds (they come before `memory`'s).
  private var inFile = 0
  /// Per camera number, how many candidates it has.
  private(set) var countByCamera: [Int] = []

  static let defaultMemoryLimit = 65_536

  init(directory: String, memoryLimit: Int = StaticCandidateStore.defaultMemoryLimit) {
    self.directory = directory
    self.memoryLimit = max(1, memoryLimit)
  }

  deinit { file?.closeIgnoringFailure() }

  /// How many candidates were added.
  var count: Int { inFile + memory.count }

  /// Whether some candidates are in the file (false: all are in memory).
  var hasSpilled: Bool { file != nil }

  /// How many candidates are in the file.
  var countInFile: Int { inFile }

  /// The path the temporary file is named by while it is made (it is unlinked at once); errors
  /// name it.
  var filePath: String { directory + "/static-candidates.tmp" }

  /// Adds the next candidate; moves the ones in memory to the file when there are
  /// `memoryLimit` of them.
  func append(_ candidate: Candidate) throws(FileIOError) {
    let camera = Int(candidate.camera)
    if countByCamera.count <= camera {
      countByCamera.append(contentsOf: repeatElement(0, count: camera + 1 - countByCamera.count))
    }
    countByCamera[camera] += 1
    memory.append(candidate)
    if memory.count >= memoryLimit { try spill() }
  }

  /// Calls `body` with every candidate and its position (0 for the first added), in order.
  func forEach(_ body: (Int, Candidate) -> Void) throws(FileIOError) {
    var cursor = makeCursor()
    while let candidate = try cursor.current() {
      body(cursor.position, candidate)
      cursor.advance()
    }
  }

  /// A reader that walks the candidates in order.
  func makeCursor() -> Cursor { Cursor(store: self) }

  /// Reads the candidates in order, a chunk at a time, for the pass that writes the outputs.
  struct Cursor {
    fileprivate let store: StaticCandidateStore
    private var chunk: [Candidate] = []
    private var chunkStart = 0
    /// The position of the next candidate.
    private(set) var position = 0

    fileprivate init(store: StaticCandidateStore) { self.store = store }

    /// The candidate at the cursor, or nil past the last.
    mutating func current() throws(FileIOError) -> Candidate? {
      if position >= store.count { return nil }
      if position >= store.inFile { return store.memory[position - store.inFile] }
      if position < chunkStart || position >= chunkStart + chunk.count {
        chunkStart = position
        try store.read(
          from: position, count: min(StaticCandidateStore.chunkSize, store.inFile - position),
          into: &chunk)
      }
      return chunk[position - chunkStart]
    }

    mutating func advance() { position += 1 }

    /// The image of the candidate before the cursor, or nil at the first.
    mutating func previousImage() throws(FileIOError) -> Int32? {
      guard position > 0 else { return nil }
      position -= 1
      defer { position += 1 }
      return try current()?.image
    }

    /// Goes back to the first candidate.
    mutating func rewind() { position = 0 }
  }

  // MARK: - The file

  private static let chunkSize = 4096
  private static let recordSize = MemoryLayout<Candidate>.stride

  private func spill() throws(FileIOError) {
    let descriptor: FileDescriptor
    if let file {
      descriptor = file
    } else {
      // A file of a run killed in the moment between making and unlinking it.
      try? PathCall.removeFileIfPresent(filePath)
      do throws(Errno) {
        descriptor = try FileDescriptor.opening(
          filePath, .readWrite, options: [.create, .exclusiveCreate],
          permissions: [.ownerReadWrite])
      } catch {
        throw FileIOError(path: filePath, step: .createTemporary, errno: error)
      }
      file = descriptor
      // The open descriptor keeps the file; nothing is left on disk once it is closed.
      try? PathCall.removeFile(filePath)
    }
    do throws(Errno) {
      _ = try descriptor.seekToEnd()
      // The records' own bytes, not a copy of them.
      let written: Result<Void, Errno> = memory.withUnsafeBytes { bytes in
        Result { () throws(Errno) in try descriptor.writeEverything(bytes) }
      }
      try written.get()
    } catch {
      throw FileIOError(path: filePath, step: .write, errno: error)
    }
    inFile += memory.count
    memory.removeAll(keepingCapacity: true)
  }

  /// Reads `count` candidates from `position` in the file into `chunk`.
  private func read(from position: Int, count: Int, into chunk: inout [Candidate])
    throws(FileIOError)
  {
    guard let file else { return }
    var bytes = [UInt8](repeating: 0, count: count * Self.recordSize)
    var filled = 0
    while filled < bytes.count {
      let got: Int
      do {
        got = try file.readSome(
          at: Int64(position * Self.recordSize + filled), into: &bytes, from: filled)
      } catch {
        throw FileIOError(path: filePath, step: .read, errno: error)
      }
      if got == 0 { throw FileIOError(path: filePath, step: .read, errno: .ioError) }
      filled += got
    }
    chunk = bytes.withUnsafeBytes { raw in
      [Candidate](unsafeUninitializedCapacity: count) { buffer, initialized in
        UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw)
        initialized = count
      }
    }
  }
}
