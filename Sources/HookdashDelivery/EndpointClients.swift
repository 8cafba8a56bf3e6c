import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

/// One HTTP client per (host, checked address): AsyncHTTPClient's `dnsOverride` makes the
/// connection go to the address the SSRF guard approved while TLS still verifies (and SNI
/// still names) the original host.
final class EndpointClients: Sendable {
    private let clients = NIOLockedValueBox<[String: HTTPClient]>([:])
    private let configuration: DeliveryConfiguration
    private let tlsConfiguration: TLSConfiguration

    init(configuration: DeliveryConfiguration) {
        self.configuration = configuration
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        if let caFilePath = configuration.caFilePath {
            tls.additionalTrustRoots = [.file(caFilePath)]
        }
        tlsConfiguration = tls
    }

    func client(host: String, address: IPAddress) -> HTTPClient {
        let key = "\(host)|\(address)"
        return clients.withLockedValue { clients in
            if let existing = clients[key] { return existing }
            var settings = HTTPClient.Configuration(
                tlsConfiguration: tlsConfiguration,
                redirectConfiguration: .disallow,
                timeout: .init(
                    connect: .init(configuration.connectTimeout), read: .init(configuration.requestTimeout)),
                ignoreUncleanSSLShutdown: false)
            settings.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = configuration.perEndpoint
            // The engine's own retry ladder retries a failed attempt; the client's retrying of a
            // refused connection until the connect timeout only made a dead endpoint's attempt
            // (and the console's test-event toast) take 5 s to say "connection refused".
            settings.connectionPool.retryConnectionEstablishment = false
            if IPAddress(host) == nil {
                settings.dnsOverride = [host: address.description]
            }
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: settings)
            clients[key] = client
            return client
        }
    }

    func shutdown() async {
        let all = clients.withLockedValue { clients in
            let values = Array(clients.values)
            clients.removeAll()
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
