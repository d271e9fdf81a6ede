// swift-tools-version:6.0
import PackageDescription

/// Fovea: a self-hosted image-classification inference service.
///
/// The target split follows the data flow: `FoveaHTTP` (sockets, parsing,
/// routing) → `FoveaImage` (decode, preprocess) → `FoveaServe` (pool, batching,
/// routes, metrics) → `FoveaEngine` (ONNX → oneDNN plan). The C targets are thin
/// bridges to Debian's system libraries, plus the SIMD convolution kernels oneDNN
/// lacks on AVX2, and are the only places C code enters.
let package = Package(
    name: "Fovea",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fovea", targets: ["fovea"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.0"),
    ],
    targets: [
        // MARK: System libraries
        .systemLibrary(
            name: "CDNNL",
            providers: [.apt(["libdnnl-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(
            name: "CImageCodecs",
            linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png16")]
        ),
        // Optimized in every configuration: unoptimized SIMD code would make
        // debug builds (and the model tests run on them) crawl.
        .target(
            name: "CNativeKernels",
            cSettings: [.unsafeFlags(["-O2"])]
        ),
        .target(
            name: "CImageResampling",
            cSettings: [.unsafeFlags(["-O2"])]
        ),

        // MARK: Fovea modules
        .target(
            name: "FoveaEngine",
            dependencies: [
                "CDNNL",
                "CNativeKernels",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "FoveaImage",
            dependencies: ["CImageCodecs", "CImageResampling"]
        ),
        .target(
            name: "FoveaHTTP",
            dependencies: [
                "COpenSSL",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "FoveaServe",
            dependencies: [
                "FoveaEngine",
                "FoveaImage",
                "FoveaHTTP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "fovea",
            dependencies: [
                "FoveaServe",
                "FoveaEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: Tests (one target per module, mirroring Sources/)
        .testTarget(name: "FoveaEngineTests", dependencies: ["FoveaEngine", .product(name: "Logging", package: "swift-log")],
                    exclude: ["Python"]),
        .testTarget(name: "FoveaImageTests", dependencies: ["FoveaImage"], exclude: ["Python"]),
        .testTarget(name: "FoveaHTTPTests", dependencies: ["FoveaHTTP"], exclude: ["Python"]),
        .testTarget(name: "FoveaServeTests", dependencies: ["FoveaServe", "FoveaHTTP"]),
    ]
)
