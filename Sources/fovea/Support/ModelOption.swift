import ArgumentParser
import FoveaServe

/// `--model NAME=PATH[,labels=FILE]`: a model added on the command line, with
/// ImageNet preprocessing (the torchvision default) unless the configuration
/// file declares a model of the same name, whose other settings it keeps.
struct ModelOption: ExpressibleByArgument {
    var name: String
    var path: String
    var labels: String?

    init?(argument: String) {
        guard let equals = argument.firstIndex(of: "=") else { return nil }
        name = String(argument[..<equals])
        let rest = argument[argument.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false)
        guard ModelSettings.isValidName(name), let first = rest.first, !first.isEmpty else { return nil }
        path = String(first)
        for option in rest.dropFirst() {
            guard option.hasPrefix("labels="), option.count > "labels=".count else { return nil }
            labels = String(option.dropFirst("labels=".count))
        }
    }

    static var defaultValueDescription: String { "NAME=PATH[,labels=FILE]" }

    /// Adds or overrides the model in `configuration`.
    func apply(to configuration: inout ServiceConfiguration) {
        if let index = configuration.models.firstIndex(where: { $0.name == name }) {
            configuration.models[index].path = path
            if let labels { configuration.models[index].labels = labels }
        } else {
            configuration.models.append(ModelSettings(name: name, path: path, labels: labels))
        }
    }
}
