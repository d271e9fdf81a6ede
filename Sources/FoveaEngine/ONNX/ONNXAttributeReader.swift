/// Typed access to a node's attributes with errors that name node and
/// attribute.
struct ONNXAttributeReader {
    let node: ONNXNode

    private func invalid(_ name: String, _ reason: String) -> ModelError {
        .invalidAttribute(node: node.displayName, opType: node.opType, attribute: name, reason: reason)
    }

    func has(_ name: String) -> Bool { node.attributes[name] != nil }

    func int(_ name: String) throws -> Int? {
        guard let attribute = node.attributes[name] else { return nil }
        guard case .int(let value) = attribute else { throw invalid(name, "must be an integer") }
        return Int(clamping: value)
    }

    func int(_ name: String, default value: Int) throws -> Int { try int(name) ?? value }

    func float(_ name: String) throws -> Float? {
        guard let attribute = node.attributes[name] else { return nil }
        switch attribute {
        case .float(let value): return value
        case .int(let value): return Float(value)
        default: throw invalid(name, "must be a float")
        }
    }

    func float(_ name: String, default value: Float) throws -> Float { try float(name) ?? value }

    func ints(_ name: String) throws -> [Int]? {
        guard let attribute = node.attributes[name] else { return nil }
        guard case .ints(let values) = attribute else { throw invalid(name, "must be a list of integers") }
        return values.map { Int(clamping: $0) }
    }

    func floats(_ name: String) throws -> [Float]? {
        guard let attribute = node.attributes[name] else { return nil }
        guard case .floats(let values) = attribute else { throw invalid(name, "must be a list of floats") }
        return values
    }

    func string(_ name: String) throws -> String? {
        guard let attribute = node.attributes[name] else { return nil }
        guard case .string(let value) = attribute else { throw invalid(name, "must be a string") }
        return value
    }

    func tensor(_ name: String) throws -> Tensor? {
        guard let attribute = node.attributes[name] else { return nil }
        guard case .tensor(let value) = attribute else { throw invalid(name, "must be a tensor") }
        return try Tensor(onnx: value)
    }

    /// Rejects attribute values the engine does not implement.
    func require(_ name: String, in allowed: Set<String>, default value: String) throws -> String {
        let actual = try string(name) ?? value
        guard allowed.contains(actual) else {
            throw invalid(name, "value '\(actual)' is not supported (supported: \(allowed.sorted().joined(separator: ", ")))")
        }
        return actual
    }

    /// Kernel window attributes shared by Conv and the pooling operators.
    func spatialWindow(kernel: [Int], ceilMode: Bool = false) throws -> SpatialWindow {
        let rank = kernel.count
        let autoPad = try require("auto_pad", in: ["NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"], default: "NOTSET")
        let padding: SpatialWindow.Padding
        switch autoPad {
        case "SAME_UPPER": padding = .same(upper: true)
        case "SAME_LOWER": padding = .same(upper: false)
        case "VALID": padding = .valid
        default:
            let pads = try ints("pads") ?? Array(repeating: 0, count: 2 * rank)
            guard pads.count == 2 * rank else { throw invalid("pads", "must have \(2 * rank) values") }
            guard pads.allSatisfy({ $0 >= 0 }) else { throw invalid("pads", "must not be negative") }
            padding = .explicit(begin: Array(pads[..<rank]), end: Array(pads[rank...]))
        }
        let strides = try ints("strides")
        let dilations = try ints("dilations")
        if let strides, strides.count != rank { throw invalid("strides", "must have \(rank) values") }
        if let dilations, dilations.count != rank { throw invalid("dilations", "must have \(rank) values") }
        return SpatialWindow(kernel: kernel, strides: strides, dilations: dilations, padding: padding, ceilMode: ceilMode)
    }
}
