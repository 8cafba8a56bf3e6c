import AsyncHTTPClient
import Foundation
import HookdashReceiver
import NIOCore
import Testing
@testable import HookdashDelivery

/// The per-endpoint client set stays bounded: idle clients beyond the limit are shut down,
/// clients a request is using never are, and an endpoint whose client went away still works.
@Suite struct EndpointClientsTests {
    func post(_ lease: EndpointClients.Lease, port: Int) async throws -> Int {
        var request = HTTPClientRequest(url: "http://\(lease.key.split(separator: "|")[0]):\(port)/hooks")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: "{}"))
        let response = try await lease.client.execute(request, timeout: .seconds(10))
        for try await _ in response.body {}
        return Int(response.status.code)
    }

    @Test func idleClientsBeyondTheLimitAreShutDownAndInUseOnesKept() async throws {
        let receiver = try await Receiver.start()
        let loopback = try #require(IPAddress("127.0.0.1"))
        let clients = EndpointClients(configuration: devConfiguration(), idleLimit: 1)

        let first = clients.client(host: "localhost", address: loopback)
        #expect(try await post(first, port: receiver.port) == 200)
        clients.release(first)
        #expect(clients.count == 1)

        // A second endpoint pushes the idle first one out.
        let second = clients.client(host: "127.0.0.1", address: loopback)
        #expect(clients.count == 1)
        #expect(try await post(second, port: receiver.port) == 200)

        // The evicted client is shut down (asynchronously): requests through it are refused.
        var shutDown = false
        for _ in 0..<200 where !shutDown {
            do {
                _ = try await post(first, port: receiver.port)
                try await Task.sleep(for: .milliseconds(10))
            } catch {
                shutDown = true
            }
        }
        #expect(shutDown)

        // The first endpoint gets a fresh client; the busy second one is kept although that
        // leaves two clients over a limit of one.
        let again = clients.client(host: "localhost", address: loopback)
        #expect(clients.count == 2)
        #expect(try await post(again, port: receiver.port) == 200)
        #expect(try await post(second, port: receiver.port) == 200)
        clients.release(again)
        clients.release(second)
        await clients.shutdown()
        #expect(clients.count == 0)
        await receiver.stop()
    }
}
