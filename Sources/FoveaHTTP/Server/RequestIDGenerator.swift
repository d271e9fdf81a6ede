/// Request ids: the client's `X-Request-ID` when it is safe to echo, otherwise
/// 16 random hex digits. A per-connection SplitMix64 stream seeded from the
/// system generator avoids a `getrandom` call per request; the ids need to be
/// unique for log correlation, not unpredictable.
struct RequestIDGenerator {
    private var state: UInt64

    init() {
        var system = SystemRandomNumberGenerator()
        state = system.next()
    }

    mutating func requestID(echoing clientValue: String?) -> String {
        if let clientValue, RequestIDGenerator.isEchoable(clientValue) { return clientValue }
        return generate()
    }

    mutating func generate() -> String {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        value ^= value >> 31
        return String(unsafeUninitializedCapacity: 16) { buffer in
            for index in 0..<16 {
                buffer[index] = RequestIDGenerator.hexDigits[Int((value >> UInt64(60 - 4 * index)) & 0xF)]
            }
            return 16
        }
    }

    /// Client ids are echoed into a header and the logs, so only short runs of
    /// visible ASCII are accepted.
    static func isEchoable(_ value: String) -> Bool {
        let utf8 = value.utf8
        return !utf8.isEmpty && utf8.count <= 128 && utf8.allSatisfy(ASCII.isVisible)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
