// swift-tools-version:6.0
import PackageDescription

/// libFuzzer harness for FoveaEngine's model loader (ONNX protobuf decoding,
/// import, shape planning, optimizer passes), kept out of the product package
/// because it only builds with `-sanitize=fuzzer`. `Sources/FoveaEngine`,
/// `Sources/CDNNL` and `Sources/CNativeKernels` are symlinks to the
/// product's sources (`Scripts/fuzz/smoke.sh`, run by `make test`, keeps them
/// building).
/// Run with `Scripts/fuzz/onnx.sh`.
let package = Package(
    name: "ONNXFuzzing",
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(name: "CDNNL"),
        .target(name: "CNativeKernels", cSettings: [.unsafeFlags(["-O2"])]),
        .target(name: "FoveaEngine",
                dependencies: ["CDNNL", "CNativeKernels", .product(name: "Logging", package: "swift-log")]),
        .executableTarget(name: "ONNXLoaderFuzzer", dependencies: ["FoveaEngine"]),
    ]
)
