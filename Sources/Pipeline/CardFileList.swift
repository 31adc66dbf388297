/// The files a walk found, kept compactly: every file's path bytes lie in one shared buffer and
/// each file has one 32-byte record, so a 100,000-image card costs a few megabytes instead of
/// two heap objects per file. ``CardFile`` values are made on demand (`list[i]`).
///
/// Files are listed in the order the outputs use: by ``CardFile/relativePath`` compared as
/// UTF-8 bytes (the walk sorts them with ``sortRemovingClashes(problems:)``).
public struct CardFileList: RandomAccessCollection, Sendable, Equatable {
  /// Where one file's bytes lie in ``bytes``, and the file's state when walked.
  struct Record: Sendable {
    /// Offset of the raw relative path in ``bytes``; its display form, when it differs (a name
    /// that is not valid UTF-8), follows it.
    var start: Int
    var rawLength: UInt32
    /// 0 when the display form is the raw path itself.
    var displayLength: UInt32
    var size: Int64
    var modifiedNanoseconds: Int64
  }

  /// The walked folder's path, without a trailing `/` (a file's path is this, `/`, and its raw
  /// relative path).
  private let root: [UInt8]
  private var bytes: [UInt8] = []
  private var records: [Record] = []

  /// An empty list of files under `root` (raw path bytes).
  public init(root: [UInt8]) {
    self.root = root
  }

  /// How many bytes the root path has (a file's raw relative path starts after it and a `/`).
  var rootLength: Int { root.count }

  public var startIndex: Int { 0 }
  public var endIndex: Int { records.count }

  /// The file at `index`, made from the compact record.
  public subscript(index: Int) -> CardFile {
    let record = records[index]
    var path = root
    path.reserveCapacity(root.count + 1 + Int(record.rawLength))
    path.append(UInt8(ascii: "/"))
    path += bytes[Self.rawRange(record)]
    return CardFile(
      relativePath: relativePath(at: index), path: path, size: record.size,
      modifiedNanoseconds: record.modifiedNanoseconds)
  }

  /// The relative path of the file at `index` (``CardFile/relativePath``) without making the
  /// whole file.
  public func relativePath(at index: Int) -> String {
    String(decoding: bytes[Self.displayRange(records[index])], as: UTF8.self)
  }

  /// The walked size and modification time of the file at `index`.
  public func state(at index: Int) -> (size: Int64, modifiedNanoseconds: Int64) {
    (records[index].size, records[index].modifiedNanoseconds)
  }

  /// The index of the file whose relative path is `relativePath` (binary search: the list is
  /// sorted), or nil.
  public func index(ofRelativePath relativePath: String) -> Int? {
    var key = relativePath
    return key.withUTF8 { key -> Int? in
      var low = 0
      var high = records.count
      while low < high {
        let middle = (low + high) / 2
        let order = compare(displayBytesOf: records[middle], with: key)
        if order == 0 { return middle }
        if order < 0 { low = middle + 1 } else { high = middle }
      }
      return nil
    }
  }

  /// The files for which `isIncluded` is true, in the same order, in a list of their own (it
  /// holds only their paths' bytes).
  public func keeping(where isIncluded: (CardFile) throws -> Bool) rethrows -> CardFileList {
    var kept = CardFileList(root: root)
    for index in indices where try isIncluded(self[index]) {
      var record = records[index]
      let end = record.start + Int(record.rawLength) + Int(record.displayLength)
      let start = kept.bytes.count
      kept.bytes += bytes[record.start..<end]
      record.start = start
      kept.records.append(record)
    }
    return kept
  }

  public static func == (lhs: CardFileList, rhs: CardFileList) -> Bool {
    lhs.elementsEqual(rhs)
  }

  /// Adds a file found by the walk. `rawRelative` is its path below the root as raw bytes;
  /// `display` its shown form (``CardWalker/displayName(_:)`` of each component).
  mutating func append(
    rawRelative: some Collection<UInt8>, display: String, size: Int64, modifiedNanoseconds: Int64
  ) {
    let start = bytes.count
    bytes += rawRelative
    let rawLength = bytes.count - start
    var displayLength = 0
    if !display.utf8.elementsEqual(rawRelative) {
      bytes += display.utf8
      displayLength = bytes.count - start - rawLength
    }
    records.append(
      Record(
        start: start, rawLength: UInt32(rawLength), displayLength: UInt32(displayLength),
        size: size, modifiedNanoseconds: modifiedNanoseconds))
  }

  /// Sorts the files by relative path (UTF-8 bytes; equal display forms by raw bytes), then keeps
  /// the first of files whose relative paths are equal (possible only when an escaped name that
  /// is not valid UTF-8 equals a real name) and reports each other one in `problems`.
  mutating func sortRemovingClashes(problems: inout [WalkProblem]) {
    bytes.withUnsafeBufferPointer { buffer in
      records.sort { a, b in
        let shown = Self.order(
          UnsafeBufferPointer(rebasing: buffer[Self.displayRange(a)]),
          UnsafeBufferPointer(rebasing: buffer[Self.displayRange(b)]))
        if shown != 0 { return shown < 0 }
        return buffer[Self.rawRange(a)].lexicographicallyPrecedes(buffer[Self.rawRange(b)])
      }
    }
    var kept: [Record] = []
    kept.reserveCapacity(records.count)
    for record in records {
      if let last = kept.last,
        bytes[Self.displayRange(last)].elementsEqual(bytes[Self.displayRange(record)])
      {
        problems.append(
          WalkProblem(
            relativePath: String(decoding: bytes[Self.displayRange(record)], as: UTF8.self),
            reason: "two files display under this name (one name is not valid UTF-8); "
              + "only the first was scanned, rename the other"))
        continue
      }
      kept.append(record)
    }
    records = kept
  }

  private static func rawRange(_ record: Record) -> Range<Int> {
    record.start..<(record.start + Int(record.rawLength))
  }

  private static func displayRange(_ record: Record) -> Range<Int> {
    if record.displayLength == 0 { return Self.rawRange(record) }
    let start = record.start + Int(record.rawLength)
    return start..<(start + Int(record.displayLength))
  }

  /// The order of `record`'s display bytes against `key` (negative, zero or positive).
  private func compare(displayBytesOf record: Record, with key: UnsafeBufferPointer<UInt8>) -> Int {
    let range = Self.displayRange(record)
    return bytes.withUnsafeBufferPointer { buffer in
      Self.order(UnsafeBufferPointer(rebasing: buffer[range]), key)
    }
  }

  /// The order of two byte strings compared byte by byte (negative, zero or positive): the one
  /// order of relative paths, for the sort and for the search.
  private static func order(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>)
    -> Int
  {
    if a.elementsEqual(b) { return 0 }
    return a.lexicographicallyPrecedes(b) ? -1 : 1
  }
}
