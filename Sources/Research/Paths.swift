/// Small path helpers (forward slashes, POSIX).
enum Paths {
  /// The folder part of `path`, "." when there is none.
  static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    if slash == path.startIndex { return "/" }
    return String(path[..<slash])
  }

  /// `a/b`, without doubling a slash; `b` alone when it is absolute.
  static func join(_ a: String, _ b: String) -> String {
    if b.hasPrefix("/") || a.isEmpty || a == "." { return b }
    return a.hasSuffix("/") ? a + b : a + "/" + b
  }

  /// The last path component.
  static func fileName(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
  }

  /// The path of `target` relative to the folder `base`; both absolute and normalized.
  static func relative(from base: String, to target: String) -> String {
    let b = base.split(separator: "/")
    let t = target.split(separator: "/")
    var common = 0
    while common < b.count && common < t.count && b[common] == t[common] { common += 1 }
    let ups = Array(repeating: "..", count: b.count - common)
    let rest = t[common...].map(String.init)
    let parts = ups + rest
    return parts.isEmpty ? "." : parts.joined(separator: "/")
  }
}

extension String {
  /// Without leading and trailing spaces and tabs.
  func trimmed() -> String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
    while let l = s.last, l == " " || l == "\t" { s.removeLast() }
    return String(s)
  }
}
