import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

/// One HTTP client per (host, checked address): AsyncHTTPClient's `dnsOverride` makes the
/// connection go to the address the SSRF guard approved while TLS still verifies (and SNI
/// still names) the original host.
///
/// Each client keeps its own connection pool, so with thousands of endpoints the set is
/// bounded: beyond `idleLimit` clients, the least recently used ones that no request is using
/// are shut down (a later delivery to that endpoint simply makes a new one).
final class EndpointClients: Sendable {
    /// A client handed out for one request; give it back with `release(_:)`.
    struct Lease: Sendable {
        let key: String
        let client: HTTPClient
    }

    private struct Entry {
        let client: HTTPClient
        var inUse: Int
        var lastUsed: UInt64
    }

    private struct Clients {
        var entries: [String: Entry] = [:]
        /// Clients taken out of use while requests still ran on them, by identity; each is
        /// shut down when its last request is given back.
        var retired: [ObjectIdentifier: Entry] = [:]
        var clock: UInt64 = 0
    }

    private let clients = NIOLockedValueBox(Clients())
    private let configuration: DeliveryConfiguration
    private let tlsConfiguration: TLSConfiguration
    let idleLimit: Int

    init(configuration: DeliveryConfiguration, idleLimit: Int = 64) {
        self.configuration = configuration
        self.idleLimit = max(1, idleLimit)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        if let caFilePath = configuration.caFilePath {
            tls.additionalTrustRoots = [.file(caFilePath)]
        }
        tlsConfiguration = tls
    }

    func client(host: String, address: IPAddress) -> Lease {
        let key = "\(host)|\(address)"
        let (client, evicted): (HTTPClient, [HTTPClient]) = clients.withLockedValue { clients in
            clients.clock += 1
            if var entry = clients.entries[key] {
                entry.inUse += 1
                entry.lastUsed = clients.clock
                clients.entries[key] = entry
                return (entry.client, [])
            }
            let client = makeClient(host: host, address: address)
            clients.entries[key] = Entry(client: client, inUse: 1, lastUsed: clients.clock)
            return (client, Self.evictIdle(&clients, keeping: idleLimit))
        }
        for old in evicted {
            Task { try? await old.shutdown() }
        }
        return Lease(key: key, client: client)
    }

    func release(_ lease: Lease) {
        let finished: HTTPClient? = clients.withLockedValue { clients in
            let identity = ObjectIdentifier(lease.client)
            if var retired = clients.retired[identity] {
                retired.inUse -= 1
                clients.retired[identity] = retired.inUse == 0 ? nil : retired
                return retired.inUse == 0 ? retired.client : nil
            }
            clients.entries[lease.key]?.inUse -= 1
            return nil
        }
        if let finished { Task { try? await finished.shutdown() } }
    }

    /// Takes the lease's client out of use: later requests to its endpoint get a new one (with
    /// new connections), and it is shut down once the requests on it are given back. For an
    /// answer that left bytes on its connection, which the next request would read as its own.
    func retire(_ lease: Lease) {
        clients.withLockedValue { clients in
            guard let entry = clients.entries[lease.key], entry.client === lease.client else { return }
            clients.entries[lease.key] = nil
            clients.retired[ObjectIdentifier(entry.client)] = entry
        }
    }

    /// How many clients exist (tests).
    var count: Int { clients.withLockedValue { $0.entries.count } }

    /// Removes least recently used clients no request is using until at most `limit` remain
    /// (clients in use are never removed, so the set may stay above the limit meanwhile).
    private static func evictIdle(_ clients: inout Clients, keeping limit: Int) -> [HTTPClient] {
        guard clients.entries.count > limit else { return [] }
        let idle = clients.entries.filter { $0.value.inUse == 0 }.sorted { $0.value.lastUsed < $1.value.lastUsed }
        var evicted: [HTTPClient] = []
        for (key, entry) in idle.prefix(clients.entries.count - limit) {
            clients.entries[key] = nil
            evicted.append(entry.client)
        }
        return evicted
    }

    private func makeClient(host: String, address: IPAddress) -> HTTPClient {
        // The read timeout is not redundant with each request's deadline: that one ends when
        // the answer's head arrives, and only the read timeout stops an answer that stalls
        // halfway through its body.
        var settings = HTTPClient.Configuration(
            tlsConfiguration: tlsConfiguration,
            redirectConfiguration: .disallow,
            timeout: .init(connect: .init(configuration.connectTimeout), read: .init(configuration.requestTimeout)),
            ignoreUncleanSSLShutdown: false)
        // hookdash installs no tracer; the default no-op one still built a span and its
        // attributes for every request.
        settings.tracing.tracer = nil
        settings.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = configuration.perEndpoint
        settings.connectionPool.idleTimeout = .init(configuration.idleConnectionTimeout)
        // The engine's own retry ladder retries a failed attempt; the client's retrying of a
        // refused connection until the connect timeout only made a dead endpoint's attempt
        // (and the console's test-event toast) take 5 s to say "connection refused".
        settings.connectionPool.retryConnectionEstablishment = false
        if IPAddress(host) == nil {
            settings.dnsOverride = [host: address.description]
        }
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: settings)
    }

    func shutdown() async {
        let all = clients.withLockedValue { clients in
            let values = clients.entries.values.map(\.client) + clients.retired.values.map(\.client)
            clients.entries.removeAll()
            clients.retired.removeAll()
            return values
        }
        for client in all {
            try? await client.shutdown()
        }
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
