// swift-tools-version:6.0
import PackageDescription

/// libFuzzer harnesses for FoveaHTTP's parsers, kept out of the product package
/// because they only build with `-sanitize=fuzzer`. `Sources/FoveaHTTP` and
/// `Sources/COpenSSL` are symlinks to the product's sources.
/// Run with `Scripts/fuzz/http.sh`.
let package = Package(
    name: "HTTPFuzzing",
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl"),
        .target(name: "FoveaHTTP", dependencies: ["COpenSSL", .product(name: "Logging", package: "swift-log")]),
        .executableTarget(name: "HTTPRequestParserFuzzer", dependencies: ["FoveaHTTP"]),
        .executableTarget(name: "MultipartFormDataFuzzer", dependencies: ["FoveaHTTP"]),
    ]
)
