// swift-tools-version: 6.1
// Benchmarks live outside the main build: `cd Benchmarks && swift run -c release <name> …`.
// Each harness measures newswatch on ../shared/bench corpora and, where one exists, a reference run beside it.
import PackageDescription

let package = Package(
    name: "newswatch-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "newswatch", path: "..")
    ],
    targets: [
        // Timing, peak RSS, corpus loading and report printing shared by the harnesses.
        .target(name: "BenchSupport"),
        // libcurl multi fetch of 2,000 feeds from a local nginx, against `curl --parallel` in the same run.
        .executableTarget(
            name: "fetch-bench",
            dependencies: ["BenchSupport", .product(name: "NewswatchFetch", package: "newswatch")]),
        // Topic matching (issue 4): MB/s and items/s over the corpus text, broad and selective topics, 10→300 curve.
        .executableTarget(
            name: "match-bench",
            dependencies: [.product(name: "NewswatchMatch", package: "newswatch")],
            exclude: ["extract_corpus_text.py"]),
        .executableTarget(
            name: "parse-bench",
            dependencies: ["BenchSupport", .product(name: "NewswatchParse", package: "newswatch")]),
        // Store: cold ingest of the 2,000-feed corpus, re-ingest, 5% changed, all-304 bookkeeping.
        .executableTarget(
            name: "store-bench",
            dependencies: [
                "BenchSupport", .product(name: "NewswatchCore", package: "newswatch"),
                .product(name: "NewswatchStore", package: "newswatch"),
            ]),
        // Each area adds its executable target here, e.g.:
        // .executableTarget(name: "parse-bench", dependencies: ["BenchSupport", .product(name: "…", package: "newswatch")]),
    ],
    swiftLanguageModes: [.v6]
)
