// swift-tools-version:6.1
import PackageDescription

// Lookout's ordo-one/benchmark suites (`swift package benchmark` in this folder). A package of
// their own, depending on the root package by path, so that the root package's builds and CI
// never resolve or compile the benchmark framework and its dependencies (see README.md,
// "Performance").
let package = Package(
  name: "LookoutBenchmarks",
  platforms: [.macOS(.v13)],
  dependencies: [
    .package(name: "Lookout", path: ".."),
    .package(
      url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
  ],
  targets: [
    .executableTarget(
      name: "Network",
      dependencies: [
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "Detector", package: "Lookout"),
      ],
      path: "Benchmarks/Network",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    .executableTarget(
      name: "Decode",
      dependencies: [
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "ImageIO", package: "Lookout"),
      ],
      path: "Benchmarks/Decode",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    .executableTarget(
      name: "Scan",
      dependencies: [
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "Pipeline", package: "Lookout"),
        .product(name: "Detector", package: "Lookout"),
      ],
      path: "Benchmarks/Scan",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
  ]
)
