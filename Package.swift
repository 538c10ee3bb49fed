// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "newswatch",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "newswatch", targets: ["newswatch"]),
        // For the Benchmarks/ package (fetch-bench).
        .library(name: "NewswatchFetch", targets: ["NewswatchFetch"]),
        // For the Benchmarks package (match-bench).
        .library(name: "NewswatchMatch", targets: ["NewswatchMatch"]),
        // For the Benchmarks/ package, which can only depend on products.
        .library(name: "NewswatchParse", targets: ["NewswatchParse"]),
        // For the Benchmarks/ package (it depends on this one by path).
        .library(name: "NewswatchCore", targets: ["NewswatchCore"]),
        .library(name: "NewswatchStore", targets: ["NewswatchStore"]),
        // For the Fuzz/ package: the config parser on its own, without the daemon.
        .library(name: "NewswatchConfig", targets: ["NewswatchConfig"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        // Metrics: the API, the Prometheus exposition, and NIO's HTTP/1 server for `[metrics] listen`.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        // PostgreSQL wire protocol for PostgresStore (NewswatchStore only).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // C bindings: each consumed by exactly one Swift module.
        .systemLibrary(
            name: "CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),

        .target(name: "NewswatchCore"),
        // Syscalls, errno, fsync, atomic file replace, locks, duration conversions: one copy each.
        .target(name: "NewswatchSystem", dependencies: ["NewswatchCore"]),
        .target(name: "NewswatchParse", dependencies: ["CLibXML2", "NewswatchCore"]),
        .target(name: "NewswatchFetch", dependencies: ["CCurl", "NewswatchCore", "NewswatchSystem"]),
        .target(name: "NewswatchMatch", dependencies: ["NewswatchCore"]),
        .target(
            name: "NewswatchStore",
            dependencies: [
                "NewswatchCore", "NewswatchSystem", .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the one statement bound without GRDB (`ItemInsert`, issue 18).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]),
        // The config file: TOML → typed settings with file:line errors; the embedded default.
        .target(
            name: "NewswatchConfig",
            dependencies: [
                "NewswatchCore", "NewswatchSystem", "NewswatchMatch", "NewswatchParse",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]),
        // Delivery: the alert outbox drain and the sinks (file, webhook, email, exec).
        .target(
            name: "NewswatchAlerts",
            dependencies: [
                "NewswatchCore", "NewswatchSystem", "NewswatchFetch", "NewswatchStore",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Daily digests: periods, the model built from the store, renderers, atomic writing.
        .target(
            name: "NewswatchDigest",
            dependencies: [
                "NewswatchCore", "NewswatchSystem", "NewswatchStore", .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "NewswatchDaemon",
            dependencies: [
                "NewswatchCore", "NewswatchSystem", "NewswatchParse", "NewswatchFetch", "NewswatchMatch",
                "NewswatchStore", "NewswatchConfig", "NewswatchAlerts", "NewswatchDigest",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            resources: [.copy("Resources")]),
        .executableTarget(
            name: "newswatch",
            dependencies: [
                "NewswatchDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // Shared by the test targets only: loopback servers, the built binary, temp dirs.
        .target(name: "NewswatchTestSupport", dependencies: ["NewswatchCore", "NewswatchSystem"]),

        .testTarget(
            name: "NewswatchCoreTests",
            dependencies: ["NewswatchCore", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "NewswatchSystemTests", dependencies: ["NewswatchSystem", "NewswatchTestSupport"]),
        .testTarget(
            name: "NewswatchParseTests",
            dependencies: [
                "NewswatchParse", "NewswatchTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "NewswatchFetchTests", dependencies: ["NewswatchFetch", "NewswatchTestSupport"]),
        .testTarget(
            name: "NewswatchMatchTests",
            dependencies: [
                "NewswatchMatch", "NewswatchTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "NewswatchStoreTests",
            dependencies: [
                "NewswatchStore", "NewswatchTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]),
        .testTarget(
            name: "NewswatchConfigTests", dependencies: ["NewswatchConfig", "NewswatchTestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "NewswatchAlertsTests",
            dependencies: [
                "NewswatchAlerts", "NewswatchFetch", "NewswatchStore", "NewswatchTestSupport",
                // ExecAlertSinkTests reads the exec sink's log lines through the daemon's real journal handler.
                "NewswatchDaemon", .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "NewswatchDigestTests",
            dependencies: [
                "NewswatchDigest", "NewswatchMatch", "NewswatchParse", "NewswatchStore", "NewswatchTestSupport",
            ]),
        .testTarget(
            name: "NewswatchDaemonTests",
            dependencies: [
                "NewswatchDaemon", "NewswatchConfig", "NewswatchAlerts", "NewswatchDigest", "NewswatchTestSupport",
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        // End-to-end: runs the built `newswatch` binary as a user would.
        .testTarget(
            name: "NewswatchCLITests", dependencies: ["newswatch", "NewswatchStore", "NewswatchTestSupport"],
            resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
