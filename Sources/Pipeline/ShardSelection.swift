/// A deterministic slice `index` of `count` of a card, for running one scan as many processes
/// (SLURM array tasks, Kubernetes Indexed Jobs).
///
/// A file belongs to the shard `fnv1a64(relativePath) % count`, so adding files never moves the
/// others between shards.
public struct ShardSelection: Sendable, Equatable, Codable, CustomStringConvertible {
  public var index: Int
  public var count: Int

  public init(index: Int, count: Int) {
    precondition(count >= 1 && (0..<count).contains(index), "shard out of range")
    self.index = index
    self.count = count
  }

  /// Parses `i/n` with 0 <= i < n.
  public init?(parsing text: String) {
    let parts = text.split(separator: "/")
    guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 0, i < n
    else { return nil }
    self.init(index: i, count: n)
  }

  public func contains(relativePath: String) -> Bool {
    Int(Self.fnv1a64(relativePath.utf8) % UInt64(count)) == index
  }

  public var description: String { "\(index)/\(count)" }

  /// 64-bit FNV-1a: small, stable across platforms and releases (not a security digest).
  public static func fnv1a64<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    return hash
  }
}
