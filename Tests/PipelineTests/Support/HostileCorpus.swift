import Foundation
import SeededRandom

#if canImport(Glibc)
  import Glibc
#endif

/// A generated card of hostile files, every one derived from the sample images' bytes (or made
/// with system calls: FIFOs, links, odd names, deep folders), each with what the scan must say
/// about it. Nothing is hand-picked: cut points, flipped bytes and patched headers are computed
/// from the samples' structure.
///
/// Everything lives under `<card>/hostile/<kind>/`, so it never collides with good images copied
/// to the same card.
struct HostileCorpus {
  /// What the scan must report for one file.
  enum Expectation: Equatable {
    /// A record whose `failure` is `"<code>: …"` and contains `mentioning`.
    case fails(code: String, mentioning: String)
    /// A record with a detections list and this displayed size.
    case decodes(width: Int, height: Int)
    /// No record at all (not an image by the walker's rules, or not a file).
    case notListed
  }

  struct Case {
    var kind: String
    /// The relative path the outputs use (display form).
    var file: String
    var expectation: Expectation
  }

  /// A path the walk must report as not scanned, with part of the reason.
  struct Skipped {
    var path: String
    var mentioning: String
  }

  var cases: [Case] = []
  var skipped: [Skipped] = []
  /// Kinds the builder could not make here, with why (e.g. permission cases as root).
  var notBuilt: [String: String] = [:]

  /// Number of cases per kind.
  var countsByKind: [String: Int] {
    var counts: [String: Int] = [:]
    for item in cases { counts[item.kind, default: 0] += 1 }
    for _ in skipped { counts["walk-problem", default: 0] += 1 }
    return counts
  }

  /// The failure codes the scan must tally in summary.json.
  var expectedFailureCounts: [String: Int] {
    var counts: [String: Int] = [:]
    for item in cases {
      if case .fails(let code, _) = item.expectation { counts[code, default: 0] += 1 }
    }
    return counts
  }

  // MARK: Building

  static let jpegSample = "ridge-north/drone01/DJI_20240914061203_0001_T.JPG"
  static let pngSample = "ridge-north/drone01/DJI_20240914215212_0006_T.png"
  static let cameraSample = "river-camp/cam03/RCNX0003.jpeg"

  /// Writes the corpus under `card` (which must exist).
  static func build(in card: String) throws -> HostileCorpus {
    var corpus = HostileCorpus()
    var builder = Builder(card: card, corpus: corpus)
    try builder.buildAll()
    corpus = builder.corpus
    return corpus
  }

  private struct Builder {
    let card: String
    var corpus: HostileCorpus
    let jpeg: [UInt8]
    let png: [UInt8]
    let camera: [UInt8]

    init(card: String, corpus: HostileCorpus) {
      self.card = card
      self.corpus = corpus
      jpeg = (try? Repository.sampleBytes(HostileCorpus.jpegSample)) ?? []
      png = (try? Repository.sampleBytes(HostileCorpus.pngSample)) ?? []
      camera = (try? Repository.sampleBytes(HostileCorpus.cameraSample)) ?? []
    }

    mutating func add(_ kind: String, _ name: String, _ bytes: [UInt8], _ expectation: Expectation)
      throws
    {
      let relative = "hostile/\(kind)/\(name)"
      try writeFile(card + "/" + relative, bytes)
      corpus.cases.append(Case(kind: kind, file: relative, expectation: expectation))
    }

    mutating func buildAll() throws {
      precondition(!jpeg.isEmpty && !png.isEmpty && !camera.isEmpty, "samples missing")
      try truncatedJPEGs()
      try truncatedPNGs()
      try truncatedProgressive()
      try emptyAndMislabelled()
      try badCRCs()
      try damagedSectors()
      try tooLarge()
      try hostileExif()
      try names()
      try deepPaths()
      try specialFiles()
      try unreadableByPermission()
    }

    /// Cut points spread over the file: inside the signature, inside each header segment, right
    /// after the header, at quarters of the scan data, and just before and inside EOI.
    mutating func truncatedJPEGs() throws {
      let segments = ByteSurgery.jpegHeaderSegments(jpeg)
      guard let sos = segments.last, sos.marker == 0xDA else {
        preconditionFailure("sample has no SOS")
      }
      var cuts: Set<Int> = [1, 2, 3, 4]
      for segment in segments { cuts.insert(segment.offset + segment.length / 2) }
      let dataStart = sos.offset + sos.length
      cuts.insert(dataStart)
      for quarter in 1...3 { cuts.insert(dataStart + (jpeg.count - dataStart) * quarter / 4) }
      cuts.insert(jpeg.count - 2)
      cuts.insert(jpeg.count - 1)
      for cut in cuts.sorted() {
        try add(
          "truncated-jpeg", "cut_\(cut).jpg", Array(jpeg.prefix(cut)),
          .fails(code: "truncated", mentioning: "truncated image"))
      }
    }

    /// Inside the signature, after it, inside and after IHDR, inside the image data at quarters,
    /// before IEND and inside it.
    mutating func truncatedPNGs() throws {
      let chunks = ByteSurgery.pngChunks(png)
      guard let firstData = chunks.first(where: { $0.type == "IDAT" }),
        let end = chunks.last, end.type == "IEND"
      else { preconditionFailure("sample PNG without IDAT or IEND") }
      var cuts: Set<Int> = [1, 4, 7, 8, 12, 20, 33, firstData.dataOffset]
      let dataEnd = end.offset
      for quarter in 1...3 {
        cuts.insert(firstData.dataOffset + (dataEnd - firstData.dataOffset) * quarter / 4)
      }
      cuts.insert(end.offset)
      cuts.insert(png.count - 2)
      for cut in cuts.sorted() {
        try add(
          "truncated-png", "cut_\(cut).png", Array(png.prefix(cut)),
          .fails(code: "truncated", mentioning: "truncated image"))
      }
    }

    /// A progressive version of the sample, whole (it must decode) and cut inside its first,
    /// middle and last scans and exactly at a scan boundary.
    mutating func truncatedProgressive() throws {
      let progressive = ByteSurgery.progressive(jpeg)
      try add("truncated-progressive", "whole.jpg", progressive, .decodes(width: 640, height: 512))
      let scans = ByteSurgery.jpegScanOffsets(progressive)
      precondition(scans.count >= 4, "expected a multi-scan progressive JPEG")
      var cuts: [Int] = []
      for index in [0, scans.count / 2, scans.count - 1] {
        let start = scans[index]
        let end = index + 1 < scans.count ? scans[index + 1] : progressive.count - 2
        cuts.append(start + (end - start) / 2)
      }
      cuts.append(scans[scans.count / 2])
      for cut in cuts {
        try add(
          "truncated-progressive", "cut_\(cut).jpg", Array(progressive.prefix(cut)),
          .fails(code: "truncated", mentioning: "truncated image"))
      }
    }

    mutating func emptyAndMislabelled() throws {
      try add("empty", "zero.jpg", [], .fails(code: "empty", mentioning: "0 bytes"))
      try add("empty", "zero.PNG", [], .fails(code: "empty", mentioning: "0 bytes"))
      // The content decides, not the extension.
      try add("wrong-extension", "png_bytes.jpg", png, .decodes(width: 640, height: 512))
      try add("wrong-extension", "jpeg_bytes.png", jpeg, .decodes(width: 640, height: 512))
      try add("wrong-extension", "camera.JPEG.png", camera, .decodes(width: 1280, height: 960))
      try add("wrong-extension", "photo.txt", jpeg, .notListed)
      var generator = SeededRandom(seed: 0x10C0_0C7)
      let notImages: [(String, [UInt8])] = [
        ("notes.jpg", Array("Battery low. Swapped card at 14:02.\n".utf8)),
        ("index.jpg", Array("<html><body>upload failed</body></html>\n".utf8)),
        ("gif.jpg", Array("GIF89a".utf8) + Array(png[8..<64])),
        ("zip.png", [0x50, 0x4B, 0x03, 0x04] + Array(jpeg[4..<64])),
        ("noise.jpg", (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }),
        // A JPEG that starts one byte late (a sector offset error).
        ("shifted.jpg", Array(jpeg.dropFirst())),
      ]
      for (name, bytes) in notImages {
        try add(
          "not-an-image", name, bytes, .fails(code: "not_an_image", mentioning: "not a JPEG or PNG")
        )
      }
      // Hidden and AppleDouble files are skipped by rule, whatever they hold.
      try add("hidden", "._DSC_0001.JPG", Array(jpeg.prefix(4096)), .notListed)
      try add("hidden", ".trash.jpg", [], .notListed)
    }

    /// PNGs with a CRC mismatch in IHDR, in an ancillary chunk, in the image data, and in the
    /// data's CRC itself.
    mutating func badCRCs() throws {
      let chunks = ByteSurgery.pngChunks(png)
      let ihdr = chunks[0]
      let idat = chunks.first { $0.type == "IDAT" }!
      try add(
        "bad-crc", "ihdr_crc.png", ByteSurgery.flipping(png, at: ihdr.crcOffset),
        .fails(code: "corrupt", mentioning: "CRC"))
      try add(
        "bad-crc", "idat_crc.png", ByteSurgery.flipping(png, at: idat.crcOffset + 3),
        .fails(code: "corrupt", mentioning: "CRC"))
      // libpng inflates as it reads, so the damaged data itself may be noticed before the CRC.
      try add(
        "bad-crc", "idat_data.png",
        ByteSurgery.flipping(png, at: idat.dataOffset + idat.length / 2),
        .fails(code: "corrupt", mentioning: "corrupt image"))
      var text = ByteSurgery.pngChunk("tEXt", Array("Comment\0field card".utf8))
      text[text.count - 1] ^= 0x55
      try add(
        "bad-crc", "text_crc.png", ByteSurgery.pngInsertingAfterIHDR(text, into: png),
        .fails(code: "corrupt", mentioning: "CRC"))
    }

    /// A 4 KiB card sector gone bad, read back as zeros or as erased flash (0xFF), in the
    /// middle of the JPEG scan data and of the PNG image data.
    ///
    /// One case decodes: zeros in the camera JPEG's scan data happen to be valid Huffman codes,
    /// and with no restart markers nothing in the file can tell (libjpeg's `djpeg` is silent
    /// too). The pixels are damaged but the image is well-formed; it is listed to document it.
    mutating func damagedSectors() throws {
      func sector(_ bytes: [UInt8]) -> Int { bytes.count / 2 & ~4095 }
      func filled(_ bytes: [UInt8], _ value: UInt8) -> [UInt8] {
        var out = bytes
        for index in sector(bytes)..<min(bytes.count, sector(bytes) + 4096) { out[index] = value }
        return out
      }
      try add(
        "damaged-sector", "thermal_zeros.jpg", filled(jpeg, 0),
        .fails(code: "corrupt", mentioning: "corrupt image"))
      try add(
        "damaged-sector", "camera_erased.jpg", filled(camera, 0xFF),
        .fails(code: "corrupt", mentioning: "corrupt image"))
      try add(
        "damaged-sector", "png_zeros.png", filled(png, 0),
        .fails(code: "corrupt", mentioning: "corrupt image"))
      try add(
        "damaged-sector", "png_erased.png", filled(png, 0xFF),
        .fails(code: "corrupt", mentioning: "corrupt image"))
      try add(
        "damaged-sector", "camera_zeros_undetectable.jpg", filled(camera, 0),
        .decodes(width: 1280, height: 960))
    }

    /// Headers claiming 60000x60000 pixels: refused before any pixel memory is allocated. And a
    /// file bigger than the read limit (sparse: it takes no disk space), refused unread.
    mutating func tooLarge() throws {
      try add(
        "too-large", "sparse_huge.jpg", Array(jpeg.prefix(1024)),
        .fails(code: "too_large", mentioning: "over the limit of 536870912 bytes"))
      precondition(truncate(card + "/hostile/too-large/sparse_huge.jpg", 513 << 20) == 0)
      try add(
        "too-large", "huge.jpg", ByteSurgery.jpegClaimingSize(jpeg, width: 60000, height: 60000),
        .fails(code: "too_large", mentioning: "60000x60000"))
      try add(
        "too-large", "huge_progressive.jpg",
        ByteSurgery.jpegClaimingSize(ByteSurgery.progressive(jpeg), width: 60000, height: 60000),
        .fails(code: "too_large", mentioning: "60000x60000"))
      try add(
        "too-large", "huge.png", ByteSurgery.pngClaimingSize(png, width: 60000, height: 60000),
        .fails(code: "too_large", mentioning: "60000x60000"))
      // Wider than libpng's default limit, tiny in height: still the pixel limit's call.
      try add(
        "too-large", "wide.png", ByteSurgery.pngClaimingSize(png, width: 2_000_000_000, height: 1),
        .fails(code: "too_large", mentioning: "2000000000x1"))
    }

    /// EXIF blocks with offsets out of range, pointer loops and lying counts spliced into the
    /// sample: bad metadata never fails an image, it only goes missing.
    mutating func hostileExif() throws {
      typealias T = HostileTIFF
      let make = T.Entry(tag: 0x010F, type: 2, count: 4, value: 0x004A_4944)  // "DJI\0" inline
      let blocks: [(String, [UInt8])] = [
        ("ifd0_out_of_range", T.document(ifd0Offset: 0xFFFF_FF00, body: [])),
        ("ifd0_at_end", T.document(ifd0Offset: 8, body: [])),
        (
          "exif_ifd_loops_to_ifd0",
          T.document(
            ifd0Offset: 8,
            body: T.ifd([make, .init(tag: 0x8769, type: 4, count: 1, value: 8)], next: 8))
        ),
        (
          "gps_ifd_points_to_itself",
          T.document(
            ifd0Offset: 8,
            body: T.ifd([.init(tag: 0x8825, type: 4, count: 1, value: 26)])
              + T.ifd([
                .init(tag: 0x8825, type: 4, count: 1, value: 26),
                .init(tag: 2, type: 5, count: 3, value: 26),
              ]))
        ),
        ("entry_count_lies", T.document(ifd0Offset: 8, body: T.ifd(declaredCount: 0xFFFF, [make]))),
        (
          "value_offsets_out_of_range",
          T.document(
            ifd0Offset: 8,
            body: T.ifd([
              .init(tag: 0x010F, type: 2, count: 1000, value: 0x7FFF_FFF0),
              .init(tag: 0x0112, type: 3, count: 0xFFFF_FFFF, value: 0),
              .init(tag: 0x8769, type: 4, count: 1, value: 0xFFFF_FFFC),
              .init(tag: 0x8825, type: 13, count: 1, value: 0x8000_0000),
            ]))
        ),
        (
          "orientation_nonsense",
          T.document(
            ifd0Offset: 8, body: T.ifd([.init(tag: 0x0112, type: 3, count: 1, value: 0xFFFF)]))
        ),
        ("tiff_header_only", Array("II*\0".utf8)),
        ("not_tiff", Array("MM\0+garbage".utf8)),
      ]
      for (name, tiff) in blocks {
        try add(
          "hostile-exif", name + ".jpg", ByteSurgery.jpegWithExif(jpeg, tiff: tiff),
          .decodes(width: 640, height: 512))
      }
      // The sample's own EXIF with every pointer-sized field after the header overwritten with
      // its own offset (self-references everywhere).
      if let app1 = ByteSurgery.jpegHeaderSegments(jpeg).first(where: { $0.marker == 0xE1 }) {
        var mangled = jpeg
        let tiffStart = app1.offset + 10
        var offset = tiffStart + 8
        while offset + 4 <= app1.offset + app1.length {
          let relative = UInt32(offset - tiffStart)
          mangled.replaceSubrange(offset..<(offset + 4), with: T.le32(relative))
          offset += 12
        }
        try add("hostile-exif", "self_references.jpg", mangled, .decodes(width: 640, height: 512))
      }
    }

    /// Names that are not UTF-8 (two that a lossy decoding would merge), a name with `%`, long
    /// names at and near the 255-byte limit.
    mutating func names() throws {
      let folder = "hostile/names"
      try FileManager.default.createDirectory(
        atPath: card + "/" + folder, withIntermediateDirectories: true)
      let raw: [([UInt8], String)] = [
        (Array("bad_".utf8) + [0xFF, 0xFE] + Array(".jpg".utf8), "bad_%FF%FE.jpg"),
        (Array("bad_".utf8) + [0xFE, 0xFF] + Array(".jpg".utf8), "bad_%FE%FF.jpg"),
        (Array("latin1_caf".utf8) + [0xE9] + Array(".JPG".utf8), "latin1_caf%E9.JPG"),
        (Array("100%_".utf8) + [0xC3] + Array(".jpg".utf8), "100%25_%C3.jpg"),
      ]
      for (name, display) in raw {
        try writeRaw(Array((card + "/" + folder + "/").utf8) + name, jpeg)
        corpus.cases.append(
          Case(
            kind: "non-utf8-name", file: folder + "/" + display,
            expectation: .decodes(width: 640, height: 512)))
      }
      try add("names", "Ñandú_ünïcode.jpg", jpeg, .decodes(width: 640, height: 512))
      try add("names", "100%.jpg", jpeg, .decodes(width: 640, height: 512))
      for length in [250, 255] {
        let name = String(repeating: "L", count: length - 4) + ".jpg"
        try add("long-name", name, jpeg, .decodes(width: 640, height: 512))
      }
    }

    /// Folders nested deeper than PATH_MAX (made with *at calls): an image near the limit is
    /// scanned, a file whose full path is too long fails with the reason, and the first folder
    /// too deep to examine is reported as not scanned.
    mutating func deepPaths() throws {
      let kind = "deep-path"
      let base = "hostile/\(kind)"
      try FileManager.default.createDirectory(
        atPath: card + "/" + base, withIntermediateDirectories: true)
      let component = String(repeating: "d", count: 200)
      let pathMax = Int(PATH_MAX)
      let baseLength = (card + "/" + base).utf8.count
      // The last level whose folder path fits; the level below it cannot even be examined.
      let lastListable = (pathMax - 1 - baseLength) / (component.utf8.count + 1)
      precondition(lastListable >= 2, "card path too long for the deep-path cases")
      var fd = open(card + "/" + base, O_RDONLY | O_DIRECTORY)
      precondition(fd >= 0)
      defer { close(fd) }
      var relative = base
      for level in 1...(lastListable + 1) {
        precondition(mkdirat(fd, component, 0o755) == 0)
        let next = openat(fd, component, O_RDONLY | O_DIRECTORY)
        precondition(next >= 0)
        close(fd)
        fd = next
        relative += "/" + component
        if level == lastListable - 1 {
          try writeAt(fd, "deep_ok.jpg", jpeg)
          corpus.cases.append(
            Case(
              kind: kind, file: relative + "/deep_ok.jpg",
              expectation: .decodes(width: 640, height: 512)))
        } else if level == lastListable {
          // Listed by the walk, but its full path is over PATH_MAX.
          let name = String(repeating: "n", count: 240) + ".jpg"
          try writeAt(fd, name, jpeg)
          corpus.cases.append(
            Case(
              kind: kind, file: relative + "/" + name,
              expectation: .fails(code: "unreadable", mentioning: "File name too long")))
        } else if level == lastListable + 1 {
          try writeAt(fd, "unreachable.jpg", jpeg)
          corpus.skipped.append(Skipped(path: relative, mentioning: "File name too long"))
        }
      }
    }

    /// FIFOs, a folder named like an image, dangling links and link loops.
    mutating func specialFiles() throws {
      let folder = card + "/hostile/special"
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      precondition(mkfifo(folder + "/pipe.jpg", 0o644) == 0)
      corpus.cases.append(
        Case(
          kind: "special-file", file: "hostile/special/pipe.jpg",
          expectation: .fails(code: "unreadable", mentioning: "FIFO")))
      // A folder named like an image is a folder: its images are scanned, it is not a file.
      try add("special", "folder.jpg/inside.jpg", jpeg, .decodes(width: 640, height: 512))
      corpus.cases.append(
        Case(kind: "special-file", file: "hostile/special/folder.jpg", expectation: .notListed))

      let links = card + "/hostile/links"
      try FileManager.default.createDirectory(atPath: links, withIntermediateDirectories: true)
      try writeFile(links + "/target.jpg", jpeg)
      corpus.cases.append(
        Case(
          kind: "symlink", file: "hostile/links/target.jpg",
          expectation: .decodes(width: 640, height: 512)))
      let symlinks: [(String, String, Expectation)] = [
        ("alias.jpg", "target.jpg", .decodes(width: 640, height: 512)),
        (
          "dangling.jpg", "missing/nowhere.jpg",
          .fails(code: "unreadable", mentioning: "No such file")
        ),
        (
          "self_loop.jpg", "self_loop.jpg", .fails(code: "unreadable", mentioning: "symbolic links")
        ),
        ("ping.jpg", "pong.jpg", .fails(code: "unreadable", mentioning: "symbolic links")),
        ("pong.jpg", "ping.jpg", .fails(code: "unreadable", mentioning: "symbolic links")),
        // Folder loops: never entered twice, never listed.
        ("up", "..", .notListed),
        ("here", ".", .notListed),
        ("dangling_folder", "gone", .notListed),
      ]
      for (name, target, expectation) in symlinks {
        precondition(symlink(target, links + "/" + name) == 0)
        corpus.cases.append(
          Case(kind: "symlink", file: "hostile/links/" + name, expectation: expectation))
      }
      // A device behind an image name (a link to /dev/zero would otherwise read forever).
      precondition(symlink("/dev/zero", links + "/device.jpg") == 0)
      corpus.cases.append(
        Case(
          kind: "special-file", file: "hostile/links/device.jpg",
          expectation: .fails(code: "unreadable", mentioning: "not a regular file")))
      // A loop that is not named like an image may hide a folder: reported, not scanned.
      precondition(symlink("loop_folder", links + "/loop_folder") == 0)
      corpus.skipped.append(
        Skipped(path: "hostile/links/loop_folder", mentioning: "symbolic links"))
    }

    /// Files and folders without read permission. Root reads everything, so as root these are
    /// not built (the unreadable reason is still covered by FIFOs, dangling links, link loops
    /// and paths over PATH_MAX).
    mutating func unreadableByPermission() throws {
      guard getuid() != 0 else {
        corpus.notBuilt["permission"] =
          "running as root, which reads files and folders whatever their mode"
        return
      }
      try add(
        "permission", "locked.jpg", jpeg,
        .fails(code: "unreadable", mentioning: "Permission denied"))
      precondition(chmod(card + "/hostile/permission/locked.jpg", 0) == 0)
      try writeFile(card + "/hostile/permission/locked_folder/inside.jpg", jpeg)
      precondition(chmod(card + "/hostile/permission/locked_folder", 0) == 0)
      corpus.skipped.append(
        Skipped(path: "hostile/permission/locked_folder", mentioning: "Permission denied"))
    }
  }
}

/// Creates a file at a path given as raw bytes (a name that need not be UTF-8).
func writeRaw(_ path: [UInt8], _ bytes: [UInt8]) throws {
  let cPath = path.map { CChar(bitPattern: $0) } + [0]
  let fd = open(cPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
  defer { close(fd) }
  try writeAll(fd, bytes)
}

/// Creates `name` in the folder open as `directory`.
func writeAt(_ directory: Int32, _ name: String, _ bytes: [UInt8]) throws {
  let fd = openat(directory, name, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
  defer { close(fd) }
  try writeAll(fd, bytes)
}

private func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
  var offset = 0
  while offset < bytes.count {
    let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
    guard n > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    offset += n
  }
}
