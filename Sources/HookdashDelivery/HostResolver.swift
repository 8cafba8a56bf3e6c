import Foundation
import NIOConcurrencyHelpers
import NIOPosix

/// Resolves host names with getaddrinfo on NIO's thread pool (it blocks), caching briefly.
final class HostResolver: Sendable {
    private struct Entry {
        let addresses: [IPAddress]
        let expires: Date
    }

    private let cache = NIOLockedValueBox<[String: Entry]>([:])
    private let timeToLive: TimeInterval = 30

    func resolve(_ host: String) async throws -> [IPAddress] {
        if let literal = IPAddress(host) { return [literal] }
        let now = Date()
        if let entry = cache.withLockedValue({ $0[host] }), entry.expires > now { return entry.addresses }
        let addresses = try await NIOThreadPool.singleton.runIfActive { try Self.lookUp(host) }
        cache.withLockedValue { $0[host] = Entry(addresses: addresses, expires: now.addingTimeInterval(self.timeToLive)) }
        return addresses
    }

    private static func lookUp(_ host: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            throw ResolutionError(host: host, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let address = entry.pointee.ai_addr {
                switch Int32(address.pointee.sa_family) {
                case AF_INET:
                    let v4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                    addresses.append(IPAddress(bytes: withUnsafeBytes(of: v4) { Array($0) }))
                case AF_INET6:
                    let v6 = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    addresses.append(IPAddress(bytes: withUnsafeBytes(of: v6) { Array($0) }))
                default: break
                }
            }
            cursor = entry.pointee.ai_next
        }
        var seen = Set<IPAddress>()
        let unique = addresses.filter { seen.insert($0).inserted }
        // IPv4 first: loopback test servers and most endpoints listen there.
        return unique.filter(\.isIPv4) + unique.filter { !$0.isIPv4 }
    }
}

struct ResolutionError: Error, CustomStringConvertible {
    let host: String
    let reason: String

    var description: String { "cannot resolve \(host): \(reason)" }
}
