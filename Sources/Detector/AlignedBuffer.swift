/// A fixed-size, zero-initialised, 64-byte aligned block of floats.
///
/// Owned by immutable model weights (written once while loading, then only read, which is why it
/// can be shared between threads) and by an `InferenceSession`'s arena (used by one thread).
final class AlignedBuffer: @unchecked Sendable {
  let pointer: UnsafeMutablePointer<Float>
  let count: Int

  init(count: Int) {
    self.count = count
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
    pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    pointer.initialize(repeating: 0, count: max(count, 1))
  }

  deinit { pointer.deallocate() }
}
