import Foundation
import Logging
import XCTest
@testable import FoveaServe

/// Paths of the repository and of the shared test images.
enum Fixtures {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `shared/` sits beside the repository (also in CI's fresh clone).
    static func sharedImage(_ name: String) throws -> String {
        let candidates = [
            repositoryRoot.appendingPathComponent("../shared/images/\(name)").standardized.path,
            ProcessInfo.processInfo.environment["FOVEA_SHARED_DIR"].map { "\($0)/images/\(name)" },
        ].compactMap { $0 }
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            XCTFail("test image \(name) not found in \(candidates); shared/ must sit beside the repository")
            throw CocoaError(.fileNoSuchFile)
        }
        return found
    }

    /// The shipped configuration with its models, listening on an ephemeral
    /// loopback port; `adjust` may change it before the service starts.
    static func defaultConfiguration(_ adjust: (inout ServiceConfiguration) -> Void = { _ in }) throws -> ServiceConfiguration {
        var configuration = try ConfigurationLoader(environment: [:])
            .load(file: repositoryRoot.appendingPathComponent("Config/fovea.yaml").path)
        configuration.server.host = "127.0.0.1"
        configuration.server.port = 0
        adjust(&configuration)
        return configuration
    }

    static func startService(_ configuration: ServiceConfiguration) async throws -> FoveaService {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let service = FoveaService(configuration: configuration, logger: logger)
        try await service.start()
        return service
    }
}
