import LookoutSystem

/// The inbox's real extent: whether a path found in it, with its symbolic links resolved, is
/// still inside it.
///
/// Uploaders are not trusted with names: sftp lets them make symbolic links, and a link to a
/// folder or file elsewhere would have the watcher read that file and, with `--move-processed`,
/// move (so remove) it. The walk lists such links like any file; this check is what keeps the
/// watcher inside. Links that stay inside the inbox are fine.
struct InboxBoundary: Sendable {
  /// The inbox's own real path (links resolved), as bytes without a trailing slash.
  let root: [UInt8]

  /// Resolves `inbox`; when that fails (it vanished) the path as given is used, so that every
  /// later check fails closed rather than open.
  init(inbox: String) {
    var bytes = (try? PathCall.resolved(bytes: Array(inbox.utf8))) ?? Array(inbox.utf8)
    while bytes.count > 1 && bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
    root = bytes
  }

  /// Why a path may not be used.
  struct Refusal: Error, Sendable, Equatable {
    var reason: String
    /// True when the path resolves outside the inbox; false when it cannot be resolved (it
    /// vanished, or a link dangles).
    var leavesInbox: Bool
  }

  /// `path` with every symbolic link resolved, when that is inside the inbox.
  func resolve(_ path: [UInt8]) -> Result<[UInt8], Refusal> {
    let real: [UInt8]
    do {
      real = try PathCall.resolved(bytes: path)
    } catch {
      return .failure(
        Refusal(
          reason: "cannot resolve it: \(SystemErrorText.systemMessage(error.rawValue))",
          leavesInbox: false))
    }
    guard contains(real) else {
      return .failure(
        Refusal(
          reason:
            "a symbolic link leads outside the inbox, to \(String(decoding: real, as: UTF8.self))",
          leavesInbox: true))
    }
    return .success(real)
  }

  /// `path` with the links of its folders resolved but not a link in its last component (a
  /// rename moves the link itself, never what it points to), when that folder is inside the
  /// inbox.
  func resolveFolder(of path: [UInt8]) -> Result<[UInt8], Refusal> {
    guard let slash = path.lastIndex(of: UInt8(ascii: "/")), slash > path.startIndex else {
      return .failure(Refusal(reason: "not a path inside the inbox", leavesInbox: true))
    }
    let name = Array(path[(slash + 1)...])
    return resolve(Array(path[..<slash])).map { $0 + [UInt8(ascii: "/")] + name }
  }

  /// Whether a real (resolved) path is the inbox or below it.
  func contains(_ real: [UInt8]) -> Bool {
    if real == root { return true }
    let prefix = root == [UInt8(ascii: "/")] ? root : root + [UInt8(ascii: "/")]
    return real.starts(with: prefix)
  }

}
