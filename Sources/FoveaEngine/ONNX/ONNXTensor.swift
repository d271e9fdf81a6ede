/// A decoded `TensorProto`. Payloads stay where protobuf put them: `raw_data`
/// and external data are slices of mapped files, typed fields are arrays.
public struct ONNXTensor: Sendable {
    public enum Payload: Sendable {
        /// Little-endian elements of `dataType`, straight from the file.
        case raw(ByteSlice)
        case floats([Float])
        case doubles([Double])
        /// `int32_data` also carries int8/uint8/int16/uint16/bool/float16 bit patterns.
        case int32s([Int64])
        case int64s([Int64])
        case uint64s([UInt64])
        /// Not yet resolved: file name relative to the model, offset, length.
        case external(location: String, offset: Int, length: Int?)
    }

    public var name: String
    public var dataType: ONNXDataType
    public var dims: [Int]
    public var payload: Payload

    public var elementCount: Int { dims.reduce(1, *) }
}
