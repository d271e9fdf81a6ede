/// Problems with a model's graph found while importing or planning it.
public enum ModelError: Error, CustomStringConvertible {
    case unsupportedOperator(opType: String, domain: String, node: String)
    case invalidAttribute(node: String, opType: String, attribute: String, reason: String)
    case undefinedValue(name: String, node: String)
    case invalidNode(node: String, opType: String, reason: String)
    case invalidInput(name: String, reason: String)
    case unknownInput(name: String, known: [String])

    public var description: String {
        switch self {
        case .unsupportedOperator(let opType, let domain, let node):
            let qualified = domain.isEmpty || domain == "ai.onnx" ? opType : "\(domain).\(opType)"
            return "unsupported operator '\(qualified)' in node '\(node)'"
        case .invalidAttribute(let node, let opType, let attribute, let reason):
            return "node '\(node)' (\(opType)): attribute '\(attribute)' \(reason)"
        case .undefinedValue(let name, let node):
            return "node '\(node)' reads '\(name)', which is neither a graph input, an initializer nor produced by an earlier node (missing initializer?)"
        case .invalidNode(let node, let opType, let reason):
            return "node '\(node)' (\(opType)): \(reason)"
        case .invalidInput(let name, let reason):
            return "model input '\(name)': \(reason)"
        case .unknownInput(let name, let known):
            return "the model has no input named '\(name)' (inputs: \(known.joined(separator: ", ")))"
        }
    }
}
