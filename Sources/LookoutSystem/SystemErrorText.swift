import Foundation

/// Words a person reads for an error that Foundation's file manager threw.
///
/// Foundation describes a failed `createDirectory` or `removeItem` as "The operation could not be
/// completed. The file doesn't exist." or "NSCocoaErrorDomain error 512", without the `errno`
/// that says what really went wrong. The `errno` is kept inside the error (its underlying POSIX
/// error); this reads it back and says it as ``FileIOError`` does: `"no such file or directory
/// (ENOENT)"`, `"permission denied (EACCES)"`.
public enum SystemErrorText {
  /// The error's `errno` in words when it carries one; otherwise its description.
  public static func describe(_ error: any Error) -> String {
    if let code = errnoValue(of: error) { return FileIOError.words(errno: code) }
    if error is CocoaError || type(of: error) is NSError.Type {
      return (error as NSError).localizedDescription
    }
    return String(describing: error)
  }

  /// The `errno` inside a Foundation error: its own code in the POSIX domain, or its underlying
  /// POSIX error's.
  public static func errnoValue(of error: any Error) -> Int32? {
    if let posix = error as? POSIXError { return posix.code.rawValue }
    if let cocoa = error as? CocoaError, let underlying = cocoa.underlying {
      return errnoValue(of: underlying)
    }
    let ns = error as NSError
    if ns.domain == NSPOSIXErrorDomain { return Int32(ns.code) }
    // On Linux the underlying error may be stored as a Swift error that is no NSError.
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? any Error {
      return errnoValue(of: underlying)
    }
    return nil
  }
}
