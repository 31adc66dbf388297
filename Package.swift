// swift-tools-version:6.1
import PackageDescription

// The network's kernels are only fast when optimised and built for the CPU that runs them
// (AVX2/FMA on a laptop from the last decade): the Detector target is always compiled with -O
// and, unless LOOKOUT_PORTABLE=1 is set (for a binary meant for other machines), for this CPU.
let detectorFlags: [String] =
  Context.environment["LOOKOUT_PORTABLE"] == "1" ? ["-O"] : ["-O", "-target-cpu", "native"]

let package = Package(
  name: "Lookout",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "lookout", targets: ["lookout"]),
    .library(name: "ImageIO", targets: ["ImageIO"]),
    .library(name: "Detector", targets: ["Detector"]),
    .library(name: "Formats", targets: ["Formats"]),
    .library(name: "Pipeline", targets: ["Pipeline"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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

    // Decoding, EXIF and orientation.
    .target(name: "ImageIO", dependencies: ["CImageShims", "CJPEG", "CPNG"]),
    // Tensors, SIMD kernels, model loading, box decoding.
    .target(name: "Detector", swiftSettings: [.unsafeFlags(detectorFlags)]),
    // MegaDetector JSON, alert records, summaries, atomic files.
    .target(name: "Formats"),
    // Walking a card, the concurrent stages, checkpoints.
    .target(name: "Pipeline", dependencies: ["ImageIO", "Detector", "Formats"]),
    .executableTarget(
      name: "lookout",
      dependencies: [
        "Pipeline", "Formats",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // libFuzzer harnesses (scripts/fuzz); a plain build replays saved inputs and writes seeds.
    .target(
      name: "FuzzTargets", dependencies: ["ImageIO", "Formats", "Pipeline"],
      path: "Fuzz/Sources/FuzzTargets"),
    .executableTarget(
      name: "lookout-fuzz", dependencies: ["FuzzTargets"], path: "Fuzz/Sources/lookout-fuzz"),

    .testTarget(name: "ImageIOTests", dependencies: ["ImageIO"], resources: [.copy("Fixtures")]),
    .testTarget(name: "DetectorTests", dependencies: ["Detector"], resources: [.copy("Fixtures")]),
    .testTarget(name: "FormatsTests", dependencies: ["Formats"], resources: [.copy("Fixtures")]),
    // Test-only C helpers: progressive JPEGs for the hostile corpus, a child with a file-size limit.
    .target(
      name: "PipelineTestSupport", dependencies: ["CJPEG"], path: "Tests/PipelineTestSupport"),
    .testTarget(
      name: "PipelineTests",
      dependencies: ["Pipeline", "ImageIO", "Formats", "PipelineTestSupport", "FuzzTargets"]),
  ]
)
