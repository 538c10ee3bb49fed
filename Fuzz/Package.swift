// swift-tools-version: 6.1
// libFuzzer targets, outside the main build: run them with `scripts/fuzz.sh TARGET SECONDS` (it builds with
// `-sanitize=fuzzer,address`). Each executable's main.swift hands one closure to libFuzzer's driver.
import PackageDescription

let package = Package(
    name: "newswatch-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "newswatch", path: "..")
    ],
    targets: [
        // The declaration of libFuzzer's driver; `-sanitize=fuzzer` links its library.
        .systemLibrary(name: "CLibFuzzer"),
        // Runs the driver from a fuzz target's main.swift; turns its raw input into bytes or text.
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"]),
        // RSS/Atom/RDF bytes through FeedParser (encoding sniffing, entity repair, libxml2 SAX, HTML→text).
        .executableTarget(
            name: "fuzz-xml-feed",
            dependencies: ["FuzzSupport", .product(name: "NewswatchParse", package: "newswatch")]),
        // JSON Feed bytes through FeedParser (only inputs that start with `{` are kept).
        .executableTarget(
            name: "fuzz-json-feed",
            dependencies: ["FuzzSupport", .product(name: "NewswatchParse", package: "newswatch")]),
        // HTML fragments through HTMLText.plainText.
        .executableTarget(
            name: "fuzz-html-text",
            dependencies: ["FuzzSupport", .product(name: "NewswatchParse", package: "newswatch")]),
        // Date strings (RFC 822, RFC 3339, W3CDTF and the sloppy variants) through FeedDate.parse.
        .executableTarget(
            name: "fuzz-date", dependencies: ["FuzzSupport", .product(name: "NewswatchParse", package: "newswatch")]),
        // Topic queries: parse, print, compile as a topic and match one item.
        .executableTarget(
            name: "fuzz-query", dependencies: ["FuzzSupport", .product(name: "NewswatchMatch", package: "newswatch")]),
        // TOML config text through ConfigLoader.parse (TOMLKit, then every check of the config).
        .executableTarget(
            name: "fuzz-config", dependencies: ["FuzzSupport", .product(name: "NewswatchConfig", package: "newswatch")]),
        // OPML subscription lists through OPMLParser.
        .executableTarget(
            name: "fuzz-opml", dependencies: ["FuzzSupport", .product(name: "NewswatchParse", package: "newswatch")]),
    ],
    swiftLanguageModes: [.v6]
)
