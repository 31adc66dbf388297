/// A file on a card that the scan does not read: not a JPEG or PNG image, and not a hidden or
/// system file (those are ignored without a word). Listed so that every file on a card is
/// accounted for: summary.json's `skipped` counts them by kind and names them.
public struct SkippedFile: Sendable, Equatable {
  /// Path relative to the scanned folder, as ``CardFile/relativePath``.
  public var relativePath: String
  public var kind: Kind

  public init(relativePath: String, kind: Kind) {
    self.relativePath = relativePath
    self.kind = kind
  }

  /// What a skipped file is, from its extension (any letter case). The raw value is the code
  /// summary.json counts it under.
  public enum Kind: String, Sendable, CaseIterable, Comparable {
    /// A camera's raw photo: `.CR2`, `.CR3`, `.NEF`, `.DNG`, `.ARW` and the like.
    case rawPhoto = "raw_photo"
    /// A camera's small preview of a photo or video: `.THM`.
    case thumbnail
    /// A video clip (`.MP4`, `.AVI`, `.MOV`...), where clips are not scanned (`lookout watch`).
    case video
    /// A sound recording (`.WAV`, `.MP3`...).
    case audio
    /// A text file (`.TXT`, `.CSV`, `.LOG`, `.JSON`, `.XML`...).
    case text
    /// An image in a format the scan does not read (`.TIF`, `.HEIC`, `.GIF`, `.BMP`, `.WEBP`).
    case otherImage = "other_image"
    /// Anything else.
    case other

    private static let extensions: [String: Kind] = {
      var table: [String: Kind] = [:]
      let lists: [(Kind, [String])] = [
        (
          .rawPhoto,
          [
            "cr2", "cr3", "crw", "nef", "nrw", "dng", "arw", "srf", "sr2", "orf", "rw2", "raf",
            "pef", "srw", "x3f", "erf", "kdc", "3fr", "mef", "mos", "rwl", "iiq",
          ]
        ),
        (.thumbnail, ["thm"]),
        (
          .video,
          ["mp4", "avi", "mov", "m4v", "mts", "m2ts", "mkv", "wmv", "3gp", "mpg", "mpeg", "webm"]
        ),
        (.audio, ["wav", "mp3", "flac", "m4a", "aac", "ogg", "wma", "aif", "aiff"]),
        (.text, ["txt", "csv", "log", "json", "xml", "md", "cfg", "ini", "dat"]),
        (.otherImage, ["tif", "tiff", "heic", "heif", "gif", "bmp", "webp"]),
      ]
      for (kind, names) in lists { for name in names { table[name] = kind } }
      return table
    }()

    /// The kind of a file named `name`, by its extension.
    public init(fileName name: String) {
      guard let dot = name.lastIndex(of: "."), dot != name.startIndex else {
        self = .other
        return
      }
      self = Self.extensions[name[name.index(after: dot)...].lowercased()] ?? .other
    }

    /// How the terminal names `count` files of this kind: `1 RAW photo`, `2 videos`.
    public func counted(_ count: Int) -> String {
      let (one, many): (String, String) =
        switch self {
        case .rawPhoto: ("RAW photo", "RAW photos")
        case .thumbnail: ("thumbnail", "thumbnails")
        case .video: ("video", "videos")
        case .audio: ("audio file", "audio files")
        case .text: ("text file", "text files")
        case .otherImage: ("image in another format", "images in other formats")
        case .other: ("other file", "other files")
        }
      return "\(count) \(count == 1 ? one : many)"
    }

    public static func < (a: Kind, b: Kind) -> Bool {
      a.rawValue.utf8.lexicographicallyPrecedes(b.rawValue.utf8)
    }
  }

  /// `5 files not scanned: 2 videos, 1 RAW photo, 1 text file, 1 thumbnail`: the kinds by
  /// count (most first, then by code); nil when `files` is empty.
  public static func countLine(_ files: [SkippedFile]) -> String? {
    guard !files.isEmpty else { return nil }
    var counts: [Kind: Int] = [:]
    for file in files { counts[file.kind, default: 0] += 1 }
    let kinds = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
    let noun = files.count == 1 ? "file" : "files"
    return "\(files.count) \(noun) not scanned: "
      + kinds.map { $0.key.counted($0.value) }.joined(separator: ", ")
  }
}
