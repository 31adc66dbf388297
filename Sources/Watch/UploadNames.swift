/// Names of files that are still being uploaded, which are never processed.
///
/// Upload tools write to a temporary name and rename when done: rsync `.name.XXXXXX`, WinSCP
/// `name.filepart`, curl/browsers `name.part` or `.crdownload`, many scripts `name.tmp`. Dot-files
/// and editor backups (`name~`) are skipped too. Only the file's own name is looked at.
public enum UploadNames {
  /// Suffixes (compared case-insensitively) of temporary upload names.
  public static let temporarySuffixes = [
    ".part", ".tmp", ".filepart", ".crdownload", ".partial", "~",
  ]

  /// Whether `name` (the last path component) is a temporary or hidden upload name.
  public static func isTemporary(_ name: String) -> Bool {
    if name.hasPrefix(".") { return true }
    let lower = name.lowercased()
    return temporarySuffixes.contains { lower.hasSuffix($0) }
  }

  /// Whether any component of a relative path is temporary or hidden (a folder being uploaded
  /// as `.incoming/` counts).
  public static func isTemporary(relativePath: String) -> Bool {
    relativePath.split(separator: "/").contains { isTemporary(String($0)) }
  }
}
