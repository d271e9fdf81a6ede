import Glibc

/// Socket address formatting, kept to the few `sockaddr` casts it needs.
enum SocketAddress {
    static func localPort(of descriptor: Int32) -> Int? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard status == 0 else { return nil }
        return describe(storage)?.port
    }

    /// `host:port`, or `[host]:port` for IPv6; IPv4-mapped IPv6 peers of a
    /// dual-stack socket are shown as plain IPv4.
    static func describe(_ storage: sockaddr_storage) -> (host: String, port: Int)? {
        var storage = storage
        return withUnsafePointer(to: &storage) { pointer -> (String, Int)? in
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
            switch Int32(pointer.pointee.ss_family) {
            case AF_INET:
                return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    var ip = address.pointee.sin_addr
                    inet_ntop(AF_INET, &ip, &text, socklen_t(text.count))
                    return (decodeCString(text), Int(UInt16(bigEndian: address.pointee.sin_port)))
                }
            case AF_INET6:
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var ip = address.pointee.sin6_addr
                    inet_ntop(AF_INET6, &ip, &text, socklen_t(text.count))
                    var host = decodeCString(text)
                    if host.hasPrefix("::ffff:"), host.contains(".") { host.removeFirst(7) } else { host = "[\(host)]" }
                    return (host, Int(UInt16(bigEndian: address.pointee.sin6_port)))
                }
            default:
                return nil
            }
        }
    }

    private static func decodeCString(_ text: [CChar]) -> String {
        let length = text.firstIndex(of: 0) ?? text.count
        return String(decoding: text[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
