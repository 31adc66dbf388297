import SystemPackage
import Testing

@testable import LookoutSystem

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The one EINTR retry: an interrupted call is made again; any other failure is returned as it is.
@Suite struct SystemCallTests {
  @Test func interruptedCallsAreMadeAgain() {
    var calls = 0
    let result = SystemCall.result { () -> Int in
      calls += 1
      if calls < 3 {
        errno = EINTR
        return -1
      }
      return 42
    }
    #expect(result == .success(42))
    #expect(calls == 3)
  }

  @Test func otherFailuresAreReturnedOnce() {
    var calls = 0
    let result = SystemCall.result { () -> Int32 in
      calls += 1
      errno = ENOSPC
      return -1
    }
    #expect(result == .failure(Errno.noSpace))
    #expect(calls == 1)
  }

  @Test func zeroIsSuccess() {
    #expect(SystemCall.result { () -> Int in 0 } == .success(0))
  }
}
