import Glibc

/// Why the server could not start.
public enum HTTPServerError: Error, Sendable, CustomStringConvertible {
    case addressResolution(host: String, message: String)
    case bindFailed(address: String, port: Int, errno: Int32)
    case listenFailed(errno: Int32)
    case socketFailed(errno: Int32)
    case alreadyStarted
    case tlsSetup(message: String)

    public var description: String {
        switch self {
        case .addressResolution(let host, let message):
            return "Cannot resolve listen address '\(host)': \(message). Use an IP literal such as '::' or '0.0.0.0'."
        case .bindFailed(let address, let port, let code):
            return "Cannot bind \(address) port \(port): \(SystemError.message(code)). Is another process using the port, or does it need privileges?"
        case .listenFailed(let code): return "listen() failed: \(SystemError.message(code))."
        case .socketFailed(let code): return "Cannot create a socket: \(SystemError.message(code))."
        case .alreadyStarted: return "The server was already started; create a new HTTPServer to listen again."
        case .tlsSetup(let message): return "TLS setup failed: \(message)"
        }
    }
}

enum SystemError {
    static func message(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
