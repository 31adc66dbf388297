import Foundation
import FuzzTargets

/// libFuzzer's entry points. In a fuzzing build (`scripts/fuzz` builds with
/// `--sanitize=fuzzer --sanitize=address -Xswiftc -DLOOKOUT_LIBFUZZER`) libFuzzer provides
/// `main` and calls these; the target is chosen by `LOOKOUT_FUZZ_TARGET`.
private let selectedTarget: FuzzTarget? = {
  let name = ProcessInfo.processInfo.environment["LOOKOUT_FUZZ_TARGET"] ?? ""
  return FuzzTarget.named(name)
}()

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
  _ argc: UnsafeMutablePointer<Int32>?,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> Int32 {
  guard selectedTarget != nil else {
    let names = FuzzTarget.all.map(\.name).joined(separator: ", ")
    FileHandle.standardError.write(Data("set LOOKOUT_FUZZ_TARGET to one of: \(names)\n".utf8))
    exit(64)
  }
  return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  selectedTarget?.run(bytes)
  return 0
}
