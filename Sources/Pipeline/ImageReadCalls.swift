#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The system calls an ``ImageScanner`` reads an image file with: ``SystemReadCalls`` (the
/// real ones) everywhere but in tests, where a fake stands in to delete, truncate or replace a
/// file at the moment it is opened or read, or to fail a read the way a failing card does.
///
/// Each has the C call's arguments and result, with `errno` set when it returns -1.
public protocol ImageReadCalls: Sendable {
  /// open(2) of `path` (its bytes, without the trailing NUL: card paths need not be UTF-8)
  /// with `flags`; the descriptor, or -1.
  func open(_ path: [UInt8], flags: Int32) -> Int32
  /// read(2) of at most `count` bytes into `buffer`; how many were read, 0 at the end, or -1.
  func read(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int) -> Int
}

/// The real open(2) and read(2).
public struct SystemReadCalls: ImageReadCalls {
  public init() {}

  public func open(_ path: [UInt8], flags: Int32) -> Int32 {
    withCString(path) { path in
      #if canImport(Glibc)
        Glibc.open(path, flags)
      #else
        Darwin.open(path, flags)
      #endif
    }
  }

  public func read(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int) -> Int {
    #if canImport(Glibc)
      Glibc.read(fd, buffer, count)
    #else
      Darwin.read(fd, buffer, count)
    #endif
  }
}
