import Glibc

/// The bound, listening, non-blocking server socket.
struct ListeningSocket {
    let fileDescriptor: Int32
    let port: Int

    /// Binds `host`:`port`. `"::"` becomes one dual-stack socket (IPv6 with
    /// `IPV6_V6ONLY` off, so IPv4 clients arrive as mapped addresses) and falls
    /// back to IPv4 when the kernel has no IPv6.
    static func bind(host: String, port: Int, backlog: Int32) throws(HTTPServerError) -> ListeningSocket {
        do {
            return try bindFirstResolved(host: host, port: port, backlog: backlog)
        } catch {
            if host == "::", case .socketFailed(let code) = error, code == EAFNOSUPPORT {
                return try bindFirstResolved(host: "0.0.0.0", port: port, backlog: backlog)
            }
            if host == "::", case .bindFailed(_, _, let code) = error, code == EADDRNOTAVAIL {
                return try bindFirstResolved(host: "0.0.0.0", port: port, backlog: backlog)
            }
            throw error
        }
    }

    private static func bindFirstResolved(host: String, port: Int, backlog: Int32) throws(HTTPServerError) -> ListeningSocket {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &results)
        guard status == 0, let first = results else {
            throw .addressResolution(host: host, message: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(results) }

        var lastError = HTTPServerError.addressResolution(host: host, message: "no usable address")
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            do {
                return try bindAddress(info.pointee, host: host, port: port, backlog: backlog)
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    private static func bindAddress(_ info: addrinfo, host: String, port: Int, backlog: Int32) throws(HTTPServerError) -> ListeningSocket {
        let descriptor = socket(info.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .socketFailed(errno: errno) }
        var success = false
        defer { if !success { close(descriptor) } }

        var on: Int32 = 1
        var off: Int32 = 0
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        if info.ai_family == AF_INET6 {
            setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &off, socklen_t(MemoryLayout<Int32>.size))
        }
        guard Glibc.bind(descriptor, info.ai_addr, info.ai_addrlen) == 0 else {
            throw .bindFailed(address: host, port: port, errno: errno)
        }
        guard listen(descriptor, backlog) == 0 else { throw .listenFailed(errno: errno) }
        success = true
        return ListeningSocket(fileDescriptor: descriptor, port: SocketAddress.localPort(of: descriptor) ?? port)
    }
}
