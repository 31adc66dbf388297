import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The one place a raw C call is retried when a signal interrupts it (`EINTR`).
///
/// Most file calls go through swift-system's `FileDescriptor`, whose methods retry on `EINTR`
/// themselves (`retryOnInterrupt: true`, their default). The few calls swift-system does not wrap
/// (`fsync`, `fstat`, the path calls of ``PathCall``, `flock`, a test's replacement for `read`) go
/// through ``result(_:)``, so that no other file in Lookout handles `EINTR`.
public enum SystemCall {
  /// Runs `call` until it is not interrupted: its value when it is not negative, otherwise the
  /// `errno` it failed with.
  ///
  /// - Parameter call: a C call that returns a negative value and sets `errno` on failure.
  @inlinable
  public static func result<Value: SignedInteger>(_ call: () -> Value) -> Result<Value, Errno> {
    while true {
      let value = call()
      if value >= 0 { return .success(value) }
      let code = errno
      if code == EINTR { continue }
      return .failure(Errno(rawValue: code))
    }
  }
}
