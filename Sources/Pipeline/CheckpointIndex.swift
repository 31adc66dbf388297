/// Where each image's latest outcome line lies in a finished scan's checkpoint, in file order
/// (UTF-8 bytes of the relative path), kept in 40 bytes and the path's bytes per image: what
/// `merge` and `rethreshold` stream a scan's outcomes from.
///
/// A compacted checkpoint is already in file order with one line per file, and is indexed as it
/// is read. One that is not (a run resumed in a finished folder appends its lines) is put in
/// order once at the end, the latest line of a file winning, as ``ScanCheckpoint`` does on
/// resume.
public struct CheckpointIndex: Sendable {
  /// One outcome line: its file's path in ``paths`` and its place in the checkpoint.
  struct Record: Sendable {
    var pathStart: Int
    var pathLength: UInt32
    var lineLength: UInt32
    var lineOffset: Int64
    var size: Int64
    var modifiedNanoseconds: Int64
  }

  /// Every indexed line's path bytes, back to back.
  private var paths: [UInt8] = []
  /// The lines, in file order once ``read(path:chunkBytes:)`` returns.
  private var records: [Record] = []

  /// An empty index.
  public init() {}

  /// Indexes the checkpoint at `path`, read a piece at a time. Lines that are not outcomes (a
  /// damaged sector) are skipped; a missing file gives an empty index.
  public static func read(path: String, chunkBytes: Int = 1 << 20) throws(ScanError)
    -> CheckpointIndex
  {
    var index = CheckpointIndex()
    var inOrder = true
    try ScanCheckpoint.forEachStoredLine(path: path, chunkBytes: chunkBytes) { file, entry in
      index.append(file: file, entry: entry)
      let last = index.records.count - 1
      if last > 0 && !index.precedes(last - 1, last) { inOrder = false }
    }
    if !inOrder { index.putInFileOrder() }
    return index
  }

  /// The number of files indexed.
  public var count: Int { records.count }

  /// The relative path of the file at `position`.
  public func file(at position: Int) -> String {
    String(decoding: pathBytes(at: position), as: UTF8.self)
  }

  /// The place of the line at `position` in the checkpoint, and the file state it was made from.
  public func entry(at position: Int) -> ScanCheckpoint.Entry {
    let record = records[position]
    return ScanCheckpoint.Entry(
      offset: record.lineOffset, length: Int(record.lineLength), size: record.size,
      modifiedNanoseconds: record.modifiedNanoseconds)
  }

  /// The path bytes of the file at `position`.
  func pathBytes(at position: Int) -> ArraySlice<UInt8> {
    let record = records[position]
    return paths[record.pathStart..<(record.pathStart + Int(record.pathLength))]
  }

  /// Whether the file at `position` comes before the file at `other`.
  func precedes(_ position: Int, _ other: Int) -> Bool {
    pathBytes(at: position).lexicographicallyPrecedes(pathBytes(at: other))
  }

  private mutating func append(file: String, entry: ScanCheckpoint.Entry) {
    let start = paths.count
    paths.append(contentsOf: file.utf8)
    records.append(
      Record(
        pathStart: start, pathLength: UInt32(paths.count - start),
        lineLength: UInt32(entry.length), lineOffset: entry.offset, size: entry.size,
        modifiedNanoseconds: entry.modifiedNanoseconds))
  }

  /// Sorts the records by path, keeping the last line read of each file.
  private mutating func putInFileOrder() {
    let order = records.indices.sorted { a, b in
      let pa = pathBytes(at: a)
      let pb = pathBytes(at: b)
      return pa.elementsEqual(pb) ? a < b : pa.lexicographicallyPrecedes(pb)
    }
    var kept: [Record] = []
    kept.reserveCapacity(order.count)
    for (n, position) in order.enumerated() {
      if n + 1 < order.count, pathBytes(at: order[n + 1]).elementsEqual(pathBytes(at: position)) {
        continue
      }
      kept.append(records[position])
    }
    records = kept
  }
}

extension CheckpointIndex {
  /// Every file of `indexes` once, in file order, from the last index that has it (source
  /// `n` is `indexes[n]`): a merge of the sorted indexes made one item at a time, so merging
  /// shards costs no second card-sized list.
  static func mergedItems(_ indexes: [CheckpointIndex]) -> MergedItems {
    MergedItems(indexes: indexes)
  }

  /// The sequence ``mergedItems(_:)`` returns.
  struct MergedItems: Sequence {
    let indexes: [CheckpointIndex]

    func makeIterator() -> Iterator {
      Iterator(indexes: indexes, heads: Array(repeating: 0, count: indexes.count))
    }

    struct Iterator: IteratorProtocol {
      let indexes: [CheckpointIndex]
      /// The next position in each index.
      var heads: [Int]

      mutating func next() -> ScanCheckpoint.CompactionItem? {
        // The smallest file among the heads; of equal files, the last index's line.
        var chosen: Int?
        for source in indexes.indices where heads[source] < indexes[source].count {
          guard let best = chosen else {
            chosen = source
            continue
          }
          let candidate = indexes[source].pathBytes(at: heads[source])
          let current = indexes[best].pathBytes(at: heads[best])
          if !current.lexicographicallyPrecedes(candidate) { chosen = source }
        }
        guard let source = chosen else { return nil }
        let path = indexes[source].pathBytes(at: heads[source])
        let entry = indexes[source].entry(at: heads[source])
        let item = ScanCheckpoint.CompactionItem(
          file: String(decoding: path, as: UTF8.self), size: entry.size,
          modifiedNanoseconds: entry.modifiedNanoseconds, source: source, entry: entry)
        for other in indexes.indices
        where heads[other] < indexes[other].count
          && indexes[other].pathBytes(at: heads[other]).elementsEqual(path)
        {
          heads[other] += 1
        }
        return item
      }
    }
  }
}
