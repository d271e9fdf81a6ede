import CDNNL

/// A oneDNN call failed. Usually means a kernel configuration oneDNN does
/// not implement on this CPU; the operation names what was attempted.
public struct OneDNNError: Error, CustomStringConvertible {
    public let operation: String
    public let status: String

    public var description: String { "oneDNN could not \(operation): \(status)" }
}

/// Throws `OneDNNError` unless `status` is success.
func dnnlCheck(_ status: dnnl_status_t, _ operation: @autoclosure () -> String) throws {
    guard status != dnnl_success else { return }
    let name: String
    switch status {
    case dnnl_out_of_memory: name = "out of memory"
    case dnnl_invalid_arguments: name = "invalid arguments"
    case dnnl_unimplemented: name = "not implemented for this configuration"
    case dnnl_iterator_ends: name = "iterator ends"
    case dnnl_runtime_error: name = "runtime error"
    case dnnl_not_required: name = "not required"
    default: name = "status \(status.rawValue)"
    }
    throw OneDNNError(operation: operation(), status: name)
}
