import NIOPosix
import WardenCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a webhook receiver's host into the addresses to check and connect to.
public protocol HostResolver: Sendable {
    /// Every address `host` resolves to, in the order to try them; throws or returns none when it does not resolve.
    func addresses(of host: String) async throws -> [IPAddress]
}

/// The system's resolver (`getaddrinfo`, so /etc/hosts and the search domains apply), run on
/// NIO's blocking pool rather than on a task's thread.
public struct SystemHostResolver: HostResolver {
    public struct Failed: Error {
        public init() {}
    }

    public init() {}

    public func addresses(of host: String) async throws -> [IPAddress] {
        try await NIOThreadPool.singleton.runIfActive { try Self.resolve(host) }
    }

    static func resolve(_ host: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { throw Failed() }
        defer { freeaddrinfo(first) }
        var out: [IPAddress] = []
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let info = next {
            next = info.pointee.ai_next
            guard let sockaddr = info.pointee.ai_addr else { continue }
            let address: IPAddress?
            switch info.pointee.ai_family {
            case AF_INET:
                address = sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin_addr) { IPAddress(bytes: Array($0)) }
                }
            case AF_INET6:
                address = sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin6_addr) { IPAddress(bytes: Array($0)) }
                }
            default:
                address = nil
            }
            if let address, !out.contains(address) { out.append(address) }
        }
        guard !out.isEmpty else { throw Failed() }
        return out
    }
}
