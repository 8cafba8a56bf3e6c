import Foundation
import NIOConcurrencyHelpers
import NIOPosix

/// Resolves host names with getaddrinfo (it blocks) on threads of its own, caching briefly.
///
/// One endpoint whose DNS never answers must not hold up the others: each host has at most
/// one lookup under way (every delivery to it waits for that one), and lookups run on a pool
/// of their own rather than NIO's shared blocking pool, which has one thread per core.
final class HostResolver: Sendable {
    private struct Entry {
        let addresses: [IPAddress]
        let expires: Date
    }

    private let cache = NIOLockedValueBox<[String: Entry]>([:])
    private let lookups = NIOLockedValueBox<[String: Task<[IPAddress], Error>]>([:])
    private let timeToLive: TimeInterval = 30
    /// Started on the first name to look up: endpoints given as addresses never need it.
    private let pool = NIOLockedValueBox<NIOThreadPool?>(nil)
    private let lookUp: @Sendable (String) throws -> [IPAddress]

    static let poolThreads = 8

    init(lookUp: @escaping @Sendable (String) throws -> [IPAddress] = HostResolver.systemLookUp) {
        self.lookUp = lookUp
    }

    deinit {
        pool.withLockedValue { $0?.shutdownGracefully { _ in } }
    }

    private var startedPool: NIOThreadPool {
        pool.withLockedValue { pool in
            if let pool { return pool }
            let started = NIOThreadPool(numberOfThreads: Self.poolThreads)
            started.start()
            pool = started
            return started
        }
    }

    /// `within`: how long an attempt waits for the answer (the lookup itself goes on, and its
    /// answer is kept for the next attempt); nil waits as long as getaddrinfo takes.
    func resolve(_ host: String, within limit: Duration? = nil) async throws -> [IPAddress] {
        if let literal = IPAddress(host) { return [literal] }
        if let entry = cache.withLockedValue({ $0[host] }), entry.expires > Date() { return entry.addresses }
        let lookup = lookups.withLockedValue { lookups in
            if let running = lookups[host] { return running }
            // The lookup keeps its own answer and leaves the table itself: the attempts that
            // asked may have stopped waiting long before getaddrinfo returns.
            let task = Task { [self] in
                defer { self.lookups.withLockedValue { $0[host] = nil } }
                let addresses = try await startedPool.runIfActive { [lookUp] in try lookUp(host) }
                cache.withLockedValue { $0[host] = Entry(addresses: addresses, expires: Date().addingTimeInterval(timeToLive)) }
                return addresses
            }
            lookups[host] = task
            return task
        }
        return try await Self.value(of: lookup, within: limit, host: host)
    }

    /// The lookup's answer, or a timeout once `limit` has passed. getaddrinfo cannot be
    /// interrupted, so the answer arrives later for whoever asks next.
    private static func value(
        of lookup: Task<[IPAddress], Error>, within limit: Duration?, host: String
    ) async throws -> [IPAddress] {
        guard let limit else { return try await lookup.value }
        let settled = NIOLockedValueBox(false)
        func settle() -> Bool { settled.withLockedValue { done in defer { done = true }; return !done } }
        return try await withCheckedThrowingContinuation { continuation in
            let timer = Task {
                // Cancelled means the answer came first: a cancelled sleep returns at once.
                guard (try? await Task.sleep(for: limit)) != nil else { return }
                if settle() { continuation.resume(throwing: ResolutionError(host: host, reason: "no answer from DNS within \(AttemptFailure.seconds(limit))")) }
            }
            Task {
                let result = await lookup.result
                if settle() { continuation.resume(with: result) }
                timer.cancel()
            }
        }
    }

    @Sendable static func systemLookUp(_ host: String) throws -> [IPAddress] {
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
