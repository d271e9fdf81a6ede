// swift-tools-version:6.0
import PackageDescription

/// Benchmark-only package: the same `/healthz` endpoint on FoveaHTTP and on
/// Hummingbird 2, built in release mode side by side by `Scripts/bench/http.sh`.
/// Hummingbird is a dependency of this package only, never of the product.
/// `Sources/FoveaHTTP` and `Sources/COpenSSL` are symlinks to the product's
/// sources so the benchmark always measures the current code.
let package = Package(
    name: "HTTPBenchmark",
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl"),
        .target(name: "FoveaHTTP", dependencies: ["COpenSSL", .product(name: "Logging", package: "swift-log")]),
        .executableTarget(name: "FoveaHealthzServer", dependencies: ["FoveaHTTP", .product(name: "Logging", package: "swift-log")]),
        .executableTarget(name: "HummingbirdHealthzServer", dependencies: [.product(name: "Hummingbird", package: "hummingbird")]),
    ]
)
