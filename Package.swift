// swift-tools-version:6.1
import PackageDescription

// The network's kernels are only fast when optimised and built for the CPU that runs them
// (AVX2/FMA on a laptop from the last decade): the Detector target is always compiled with -O
// and, unless LOOKOUT_PORTABLE=1 is set (for a binary meant for other machines), for this CPU.
let detectorFlags: [String] =
  Context.environment["LOOKOUT_PORTABLE"] == "1" ? ["-O"] : ["-O", "-target-cpu", "native"]

// FFmpeg's libraries, linked by the C targets that call them (no Swift code imports CFFmpeg, so
// its module map's link lines are never applied).
let ffmpegLibraries: [LinkerSetting] = ["avformat", "avcodec", "swscale", "avutil"].map {
  .linkedLibrary($0)
}

let package = Package(
  name: "Lookout",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "lookout", targets: ["lookout"]),
    .executable(name: "lookout-bench", targets: ["lookout-bench"]),
    .library(name: "LookoutCore", targets: ["LookoutCore"]),
    .library(name: "LookoutSystem", targets: ["LookoutSystem"]),
    .library(name: "ImageIO", targets: ["ImageIO"]),
    .library(name: "VideoIO", targets: ["VideoIO"]),
    .library(name: "Detector", targets: ["Detector"]),
    .library(name: "Formats", targets: ["Formats"]),
    .library(name: "Pipeline", targets: ["Pipeline"]),
    .library(name: "Research", targets: ["Research"]),
    .library(name: "Redaction", targets: ["Redaction"]),
    .library(name: "Geo", targets: ["Geo"]),
    .library(name: "Watch", targets: ["Watch"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.100.0"),
    .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    // Tests only: the local webhook receiver.
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
  ],
  targets: [
    // System libraries: libjpeg(-turbo) and libpng, found through pkg-config.
    .systemLibrary(
      name: "CJPEG", pkgConfig: "libjpeg",
      providers: [.apt(["libjpeg62-turbo-dev"]), .brew(["jpeg-turbo"])]),
    .systemLibrary(
      name: "CPNG", pkgConfig: "libpng",
      providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
    // The C side of error handling (setjmp/longjmp must stay in C).
    .target(name: "CImageShims", dependencies: ["CJPEG", "CPNG"]),
    // FFmpeg's demuxers, decoders and scaler, and the small C shim every call to them goes
    // through (open a clip, sample frames, scale to RGB, cap the work).
    .systemLibrary(
      name: "CFFmpeg", pkgConfig: "libavformat",
      providers: [
        .apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"]),
        .brew(["ffmpeg"]),
      ]),
    .target(name: "CVideoShim", dependencies: ["CFFmpeg"], linkerSettings: ffmpegLibraries),

    // The domain's nouns, shared by every command: detection classes, thresholds and their
    // precedence, the `class=value` parser, where an image was taken (folder layout and
    // deployment), and when (capture times and their ISO 8601 text). Depends on nothing but
    // Foundation.
    .target(name: "LookoutCore"),
    // The one home for system calls: files opened, read and written through swift-system's
    // `FileDescriptor` (EINTR retried in one place), atomic and streaming writes, errno in words,
    // paths kept inside a folder, and SHA-256 (swift-crypto).
    .target(
      name: "LookoutSystem",
      dependencies: [
        .product(name: "SystemPackage", package: "swift-system"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]),

    // Decoding, EXIF and orientation.
    .target(name: "ImageIO", dependencies: ["LookoutSystem", "CImageShims", "CJPEG", "CPNG"]),
    // Video clips: sampled frames as RGB at the network's size, typed errors per clip.
    .target(name: "VideoIO", dependencies: ["CVideoShim", "ImageIO"]),
    // Tensors, SIMD kernels, model loading, box decoding.
    .target(
      name: "Detector", dependencies: ["LookoutCore", "LookoutSystem"],
      swiftSettings: [.unsafeFlags(detectorFlags)]),
    // The file formats: MegaDetector JSON, alert records, summaries, JSON Lines logs, CSV, the
    // config and deployments files.
    .target(
      name: "Formats",
      dependencies: [
        "LookoutCore", "LookoutSystem",
        .product(name: "SystemPackage", package: "swift-system"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    // Walking a card, the concurrent stages, checkpoints, and where alerts are placed (deployments,
    // protected areas, per-site thresholds) for `scan` and `watch` alike.
    .target(
      name: "Pipeline",
      dependencies: [
        "LookoutCore", "LookoutSystem", "ImageIO", "VideoIO", "Detector", "Formats", "Geo",
        .product(name: "SystemPackage", package: "swift-system"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    // Researcher tools: evaluation, threshold tuning, review pages, Camtrap DP export.
    .target(
      name: "Research",
      dependencies: [
        "LookoutCore", "LookoutSystem", "Formats", "ImageIO", "VideoIO",
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    // Redacted copies of images for sharing (decoding through ImageIO, encoding through
    // libjpeg-turbo).
    .target(
      name: "Redaction",
      dependencies: [
        "LookoutCore", "LookoutSystem", "ImageIO", "Formats", "Research",
      ]),
    // Protected areas: GeoJSON polygons and point-in-polygon.
    .target(name: "Geo", dependencies: ["LookoutSystem", "Formats"]),
    // `lookout watch`: inbox state in SQLite, exactly-once processing, alert outbox and sinks.
    .target(
      name: "Watch",
      dependencies: [
        "LookoutCore", "LookoutSystem", "Detector", "Pipeline", "Formats", "Geo",
        .product(name: "SystemPackage", package: "swift-system"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ]),
    .executableTarget(
      name: "lookout",
      dependencies: [
        "LookoutCore", "LookoutSystem", "Pipeline", "Formats", "Research", "Redaction", "Watch",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // Measurements for scripts/bench (FP32 peak, kernels, decoding); built like Detector so the
    // peak probe runs the same instructions the kernels can.
    .executableTarget(
      name: "lookout-bench",
      dependencies: [
        "LookoutCore", "Detector", "ImageIO", "Pipeline",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: [.unsafeFlags(detectorFlags)]),

    // libFuzzer harnesses (scripts/fuzz); a plain build replays saved inputs and writes seeds.
    .target(
      name: "FuzzTargets",
      dependencies: ["LookoutSystem", "ImageIO", "Formats", "Pipeline", "Geo", "Research", "Watch"],
      path: "Fuzz/Sources/FuzzTargets"),
    .executableTarget(
      name: "lookout-fuzz", dependencies: ["FuzzTargets"], path: "Fuzz/Sources/lookout-fuzz"),

    .testTarget(name: "LookoutCoreTests", dependencies: ["LookoutCore"]),
    .testTarget(
      name: "LookoutSystemTests",
      dependencies: ["LookoutSystem", .product(name: "Crypto", package: "swift-crypto")],
      resources: [.copy("Fixtures")]),
    // The seeded pseudo-random generator (SplitMix64) the test targets share.
    .target(name: "SeededRandom", path: "Tests/SeededRandom"),
    .testTarget(
      name: "ImageIOTests", dependencies: ["ImageIO", "SeededRandom"],
      resources: [.copy("Fixtures")]),
    // Test-only C helper: writes small clips (MJPEG, MPEG-4, audio only, no frames) with libav*.
    .target(
      name: "VideoTestSupport", dependencies: ["CFFmpeg"], path: "Tests/VideoTestSupport",
      linkerSettings: ffmpegLibraries),
    // The Swift side of it, shared by VideoIOTests and PipelineTests.
    .target(name: "VideoClipWriter", dependencies: ["VideoTestSupport"], path: "Tests/VideoClipWriter"),
    .testTarget(
      name: "VideoIOTests",
      dependencies: ["VideoIO", "ImageIO", "VideoTestSupport", "VideoClipWriter"]),
    .testTarget(
      name: "DetectorTests", dependencies: ["LookoutCore", "Detector", "SeededRandom"],
      resources: [.copy("Fixtures")]),
    .testTarget(
      name: "FormatsTests",
      dependencies: [
        "LookoutCore", "LookoutSystem", "Formats", "SeededRandom",
        .product(name: "SystemPackage", package: "swift-system"),
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      resources: [.copy("Fixtures")]),
    // Test-only C helpers: progressive JPEGs for the hostile corpus, a child with a file-size limit.
    .target(
      name: "PipelineTestSupport", dependencies: ["CJPEG"], path: "Tests/PipelineTestSupport"),
    .testTarget(
      name: "PipelineTests",
      dependencies: [
        "LookoutCore", "LookoutSystem", "Pipeline", "ImageIO", "Formats", "Geo",
        "PipelineTestSupport", "FuzzTargets", "Research", "VideoTestSupport", "VideoClipWriter",
        "SeededRandom",
      ]),
    .testTarget(
      name: "ResearchTests", dependencies: ["LookoutCore", "Research"],
      resources: [.copy("Fixtures")]),
    .testTarget(name: "RedactionTests", dependencies: ["LookoutSystem", "Redaction", "ImageIO"]),
    .testTarget(name: "GeoTests", dependencies: ["Geo"]),
    .testTarget(
      name: "WatchTests",
      dependencies: [
        "LookoutCore", "LookoutSystem", "Watch", "Pipeline", "Formats", "Geo", "ImageIO",
        "VideoClipWriter",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "NIOCore", package: "swift-nio"),
      ]),
  ]
)
