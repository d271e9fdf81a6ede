import ArgumentParser
import Foundation
import FoveaServe
import Logging

/// `fovea classify IMAGE...`: the serving pipeline without the server —
/// same decoding, batching and engine, same JSON as `POST /classify`.
struct ClassifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify image files offline and print the JSON /classify would return.")

    @Argument(help: "JPEG or PNG files.")
    var images: [String]

    @Option(name: .long, help: "A model name from the configuration, or a path to an ONNX file (ImageNet preprocessing). Default: the active model.")
    var model: String?

    @Option(name: .long, help: "Labels file for a model given as a path.")
    var labels: String?

    @Option(name: .long, help: "Configuration file (YAML).")
    var config: String = "Config/fovea.yaml"

    @Option(name: .customLong("top-k"), help: "Number of predictions (default: the model's top_k).")
    var topK: Int?

    @Option(name: .long, help: "Cores for inference (default: all).")
    var threads: Int?

    func validate() throws {
        if let topK, !(1...1000).contains(topK) { throw ValidationError("--top-k must be between 1 and 1000") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() async throws {
        var settings = try modelSettings()
        // Warm only the batch sizes this run can form.
        settings.batching.maxBatchSize = max(1, min(settings.batching.maxBatchSize, images.count))
        settings.batching.queueCapacity = max(settings.batching.queueCapacity, images.count)
        let loader = ModelLoader(threads: threads, logger: makeLogger(label: "fovea", level: .warning))
        let served: ServedModel
        do {
            served = try await loader.loadInBackground(settings)
        } catch {
            printError("\(error)")
            throw ExitCode.failure
        }
        var contents: [Data] = []
        for path in images {
            do {
                contents.append(try Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                printError("cannot read \(path): \((error as NSError).localizedDescription)")
                throw ExitCode.failure
            }
        }
        let clock = ContinuousClock()
        let start = clock.now
        let outcomes = await served.classifyAll(contents, topK: topK)
        let total = clock.now - start
        if outcomes.count == 1, case .success(let result) = outcomes[0] {
            print(String(decoding: ClassificationJSON.single(result, total: total), as: UTF8.self))
        } else {
            print(String(decoding: ClassificationJSON.multiple(model: served.name, outcomes: outcomes, total: total),
                         as: UTF8.self))
        }
        for (path, outcome) in zip(images, outcomes) {
            if case .failure(let error) = outcome { printError("\(path): \(error)") }
        }
        if outcomes.contains(where: { if case .failure = $0 { true } else { false } }) {
            throw ExitCode.failure
        }
    }

    /// The model's settings: from the configuration by name, or built for an
    /// ONNX path given directly.
    private func modelSettings() throws -> ModelSettings {
        if let model, model.hasSuffix(".onnx") || FileManager.default.fileExists(atPath: model) {
            let name = URL(fileURLWithPath: model).deletingPathExtension().lastPathComponent
            let safeName = ModelSettings.isValidName(name) ? name : "model"
            return ModelSettings(name: safeName, path: model, labels: labels)
        }
        let configuration = try loadConfiguration(config)
        let wanted = model ?? configuration.activeModel ?? configuration.models.first?.name
        guard let wanted, let settings = configuration.models.first(where: { $0.name == wanted }) else {
            let known = configuration.models.map(\.name).joined(separator: ", ")
            printError("no model '\(model ?? "")' in \(config)" + (known.isEmpty ? "" : " (models: \(known))")
                       + "; pass --model NAME or --model PATH.onnx")
            throw ExitCode.failure
        }
        return settings
    }
}
