import Foundation
import HookdashReceiver
import HookdashStore
import Testing
@testable import HookdashDelivery

/// What an operator reads when an endpoint misbehaves: a sentence naming the endpoint and
/// what it did (and what to do, when there is something), never the HTTP or TLS library's
/// internals. Each case is a real loopback server misbehaving in that way.
@Suite struct FailureTextTests {
    /// One attempt through the engine to `url`; its stored attempt.
    func attempt(to url: String, configure: (inout DeliveryConfiguration) -> Void = { _ in }) async throws -> AttemptRecord {
        let database = try TestDatabase()
        defer { database.remove() }
        try database.addWebhook(url: url)
        let emitted = try database.emit()
        var configuration = devConfiguration()
        configure(&configuration)
        let engine = DeliveryEngine(queue: database.queue, configuration: configuration)
        await engine.processDue()
        await engine.shutdown()
        return try #require(try database.queue.attempts(deliveryID: emitted.deliveryIDs[0]).first)
    }

    func expectReadable(_ text: String?) {
        let text = text ?? ""
        for leaked in ["HTTPClientError", "errno", "NIOSSL", "BoringSSL", ".build/", "descriptor", "constant string"] {
            #expect(!text.contains(leaked), "\(text)")
        }
    }

    @Test func refused() async throws {
        let port = try ClosedPort()
        defer { port.close() }
        let attempt = try await attempt(to: "http://127.0.0.1:\(port.number)/hooks")
        #expect(attempt.errorClass == .refused)
        #expect(attempt.errorText == "connection refused by 127.0.0.1:\(port.number) (nothing is listening there)")
    }

    /// An IPv4-mapped IPv6 literal is judged as the IPv4 address it carries; the flag the
    /// refusal suggests must be one that allows it (it suggested ::ffff:127.0.0.1/128).
    @Test func aMappedAddressIsRefusedWithAFlagThatWorks() async throws {
        let receiver = try await Receiver.start()
        let url = "https://[::ffff:127.0.0.1]:\(receiver.port)/hooks"
        let refused = try await attempt(to: url) { $0.addressPolicy = AddressPolicy() }
        #expect(refused.errorClass == .ssrf)
        #expect(refused.errorText?.hasSuffix("--allow-private 127.0.0.1/32") == true, "\(refused.errorText ?? "")")
        let allowed = try await attempt(to: url) {
            $0.addressPolicy = AddressPolicy(allowedRanges: [CIDRRange("127.0.0.1/32")!])
        }
        await receiver.stop()
        // Let through: it reaches the (plain HTTP) receiver and fails there, at TLS.
        #expect(allowed.errorClass == .tls, "\(allowed.errorText ?? "")")
    }

    /// A server that accepts the connection and never speaks TLS: whichever of the connect
    /// and handshake timeouts fires first, the words are the same.
    @Test func aSilentTLSServerReadsTheSameWhicheverTimeoutFires() async throws {
        let server = try await MisbehavingServer.start(.silent)
        let attempt = try await attempt(to: "https://127.0.0.1:\(server.port)/hooks") {
            $0.connectTimeout = .milliseconds(500)
        }
        await server.stop()
        #expect(attempt.errorClass == .timeout)
        #expect(attempt.errorText == "could not connect to 127.0.0.1:\(server.port) and finish the TLS handshake within 0.5 s")
    }

    @Test func anIPv6EndpointIsNamedWithOnePairOfBrackets() async throws {
        let port = try ClosedPort()
        defer { port.close() }
        let attempt = try await attempt(to: "http://[::1]:\(port.number)/hooks")
        #expect(attempt.errorText?.contains("[::1]:\(port.number)") == true, "\(attempt.errorText ?? "")")
        #expect(attempt.errorText?.contains("[[") == false, "\(attempt.errorText ?? "")")
    }

    /// `text` names the endpoint as ENDPOINT.
    @Test(arguments: [
        (MisbehavingServer.Behaviour.closeWithoutAnswer, AttemptErrorClass.other,
         "ENDPOINT closed the connection without answering"),
        (.notHTTP, .http, "ENDPOINT answered with something that is not HTTP/1.1"),
        (.reset, .other, "ENDPOINT reset the connection before answering"),
        (.cutOffBody, .http, "the answer from ENDPOINT was cut off before its end"),
        (.silent, .timeout, "no answer from ENDPOINT within 0.5 s"),
        (.stallBody, .timeout, "the answer from ENDPOINT started but did not end within 0.5 s"),
        (.trickleBody, .timeout, "the answer from ENDPOINT started but did not end within 0.5 s"),
        (.hugeHead, .http, "ENDPOINT answered with headers too large to read (over 80 KB)"),
    ])
    func misbehavingEndpoint(behaviour: MisbehavingServer.Behaviour, errorClass: AttemptErrorClass, text: String) async throws {
        let server = try await MisbehavingServer.start(behaviour)
        let attempt = try await attempt(to: server.url) { $0.requestTimeout = .milliseconds(500) }
        await server.stop()
        #expect(attempt.errorClass == errorClass)
        #expect(attempt.errorText == text.replacingOccurrences(of: "ENDPOINT", with: "127.0.0.1:\(server.port)"))
        // The whole attempt keeps to the request timeout, however the endpoint behaves.
        #expect(attempt.durationMilliseconds < 1_500, "\(attempt.durationMilliseconds) ms")
        expectReadable(attempt.errorText)
    }

    @Test func untrustedCertificateSaysHowToTrustIt() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hookdash-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let certificate = try TestCertificate(in: folder)
        let receiver = try await Receiver.start(tls: certificate.receiverFiles)
        let attempt = try await attempt(to: receiver.url(hostName: "localhost"))
        await receiver.stop()
        #expect(attempt.errorClass == .tls)
        #expect(attempt.errorText?.hasPrefix("TLS: the certificate of localhost:\(receiver.port) is not trusted") == true)
        #expect(attempt.errorText?.contains("--ca-file") == true)
        expectReadable(attempt.errorText)
    }

    @Test func certificateForAnotherName() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hookdash-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let certificate = try TestCertificate(in: folder, names: "DNS:other.example")
        let receiver = try await Receiver.start(tls: certificate.receiverFiles)
        let attempt = try await attempt(to: receiver.url(hostName: "localhost")) {
            $0.caFilePath = certificate.certificatePath
        }
        await receiver.stop()
        #expect(attempt.errorClass == .tls)
        #expect(attempt.errorText == "TLS: the certificate of localhost:\(receiver.port) is issued for another name")
    }

    @Test func httpsToAPlainServer() async throws {
        let server = try await MisbehavingServer.start(.notHTTP)
        let attempt = try await attempt(to: "https://127.0.0.1:\(server.port)/hooks")
        await server.stop()
        #expect(attempt.errorClass == .tls)
        #expect(attempt.errorText == "TLS: 127.0.0.1:\(server.port) did not answer in TLS (is it a plain http:// endpoint?)")
    }

    @Test func openSSLReasonIsTheNameAfterTheLibraryPrefix() {
        let text = "sslError([Error: 268435703 error:100000f7:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER at /x/tls_record.cc:127])"
        #expect(AttemptFailure.openSSLReason(text) == "WRONG_VERSION_NUMBER")
        #expect(AttemptFailure.openSSLReason("something else") == nil)
    }
}
