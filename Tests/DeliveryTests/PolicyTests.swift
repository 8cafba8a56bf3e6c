import Foundation
import HookdashCrypto
import HookdashDelivery
import HookdashReceiver
import Testing

@Suite struct AddressPolicyTests {
    private func refusal(_ address: String, _ policy: AddressPolicy = AddressPolicy()) throws -> String? {
        policy.refusal(for: try #require(IPAddress(address)))
    }

    @Test func refusesNonPublicAddresses() throws {
        #expect(try refusal("127.0.0.1") == "loopback")
        #expect(try refusal("::1") == "loopback")
        #expect(try refusal("::ffff:127.0.0.1") == "loopback")
        #expect(try refusal("10.1.2.3") == "private")
        #expect(try refusal("172.31.255.255") == "private")
        #expect(try refusal("192.168.0.1") == "private")
        #expect(try refusal("169.254.169.254") == "link-local")
        #expect(try refusal("100.64.0.1") == "CGNAT")
        #expect(try refusal("224.0.0.1") == "multicast")
        #expect(try refusal("0.0.0.0") == "unspecified")
        #expect(try refusal("::") == "unspecified")
        #expect(try refusal("fd00::1") == "unique-local")
        #expect(try refusal("fe80::1") == "link-local")
    }

    @Test func allowsPublicAddresses() throws {
        #expect(try refusal("8.8.8.8") == nil)
        #expect(try refusal("172.32.0.1") == nil)
        #expect(try refusal("2606:4700::1111") == nil)
    }

    @Test func devAllowsOnlyLoopback() throws {
        let dev = AddressPolicy(allowsLoopback: true)
        #expect(try refusal("127.0.0.1", dev) == nil)
        #expect(try refusal("::1", dev) == nil)
        #expect(try refusal("10.0.0.1", dev) == "private")
        #expect(try refusal("169.254.169.254", dev) == "link-local")
    }

    @Test func allowedRangesOpenExactlyThatRange() throws {
        let policy = AddressPolicy(allowedRanges: [try #require(CIDRRange("10.20.0.0/16"))])
        #expect(try refusal("10.20.3.4", policy) == nil)
        #expect(try refusal("10.21.0.1", policy) == "private")
        #expect(CIDRRange("10.0.0.0/33") == nil)
        #expect(CIDRRange("nonsense/8") == nil)
        // An IPv4-mapped range is the IPv4 range it names, as mapped addresses are judged.
        let mapped = AddressPolicy(allowedRanges: [try #require(CIDRRange("::ffff:127.0.0.1/128"))])
        #expect(try refusal("::ffff:127.0.0.1", mapped) == nil)
        #expect(try refusal("127.0.0.1", mapped) == nil)
        #expect(try refusal("127.0.0.2", mapped) == "loopback")
        #expect(CIDRRange("::ffff:10.0.0.0/104")?.description == "10.0.0.0/8")
        #expect(CIDRRange("10.0.0.0/") == nil, "a missing length is a mistake, not /32")
    }

    /// 0.0.0.0 and :: reach this host, and nothing serves webhooks from a broadcast or
    /// multicast address: even a range that covers them does not allow them.
    @Test func someAddressesNoRangeAllows() throws {
        let everything = AddressPolicy(allowedRanges: [try #require(CIDRRange("0.0.0.0/0")), try #require(CIDRRange("::/0"))])
        #expect(try refusal("10.1.2.3", everything) == nil)
        #expect(try refusal("0.0.0.0", everything) == "unspecified")
        #expect(try refusal("::", everything) == "unspecified")
        #expect(try refusal("::ffff:0.0.0.0", everything) == "unspecified")
        #expect(try refusal("255.255.255.255", everything) == "broadcast")
        #expect(try refusal("239.1.2.3", everything) == "multicast")
        #expect(try refusal("ff02::1", everything) == "multicast")
    }
}

@Suite struct RetryScheduleTests {
    @Test func jitterStaysWithinTwentyPercent() {
        let low = RetrySchedule(random: { 0 })
        let high = RetrySchedule(random: { 0.999_999 })
        for (index, base) in RetrySchedule.standardDelays.enumerated() {
            let failures = index + 1
            #expect(abs(low.delay(afterFailures: failures)! - base * 0.8) < 0.001)
            #expect(high.delay(afterFailures: failures)! <= base * 1.2)
            #expect(high.delay(afterFailures: failures)! > base * 1.19)
        }
        #expect(low.delay(afterFailures: 8) == nil)
        #expect(low.maximumAttempts == 8)
    }

    @Test func retryAfterLengthensTheNextStepUpToTwiceItButNeverShortensIt() {
        let schedule = RetrySchedule(random: { 0.5 })
        #expect(schedule.delay(afterFailures: 2, retryAfter: 400) == 400)
        #expect(schedule.delay(afterFailures: 2, retryAfter: 100_000) == 600)
        #expect(schedule.delay(afterFailures: 2, retryAfter: 60) == 300)
        #expect(schedule.delay(afterFailures: 2, retryAfter: 0) == 300)
        #expect(RetrySchedule.parseRetryAfter("120", now: Date()) == 120)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(RetrySchedule.parseRetryAfter("Tue, 14 Nov 2023 22:15:00 GMT", now: now) == 100)
        #expect(RetrySchedule.parseRetryAfter("soon", now: now) == nil)
    }
}

@Suite struct ReceiverTests {
    @Test func answersScriptThenDefaultAndRecordsEverything() async throws {
        let receiver = try await Receiver.start(policy: ReceiverPolicy(
            defaultResponse: ReceiverResponse(status: 204),
            script: [ReceiverResponse(status: 500, body: "boom"), .redirect(to: "https://elsewhere.example/")]))
        let statuses = try await (0..<3).asyncMap { index in
            try await plainPost(url: receiver.url(path: "/p\(index)"), body: "body-\(index)")
        }
        await receiver.stop()
        #expect(statuses.map(\.status) == [500, 302, 204])
        #expect(statuses[1].location == "https://elsewhere.example/")
        #expect(receiver.requests.map(\.path) == ["/p0", "/p1", "/p2"])
        #expect(receiver.requests.map(\.bodyText) == ["body-0", "body-1", "body-2"])
        #expect(receiver.requests.map(\.answeredStatus) == [500, 302, 204])
    }

    @Test func failRateOneAlwaysFails() async throws {
        let receiver = try await Receiver.start(policy: ReceiverPolicy(failRate: 1, failureStatus: 503))
        let result = try await plainPost(url: receiver.url(), body: "{}")
        await receiver.stop()
        #expect(result.status == 503)
    }

    @Test func listenLineShowsEnvelopeAndSignature() throws {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let body = Array(#"{"event":"job.status","liveMode":false,"messageId":"m-1","timestamp":"x","body":{}}"#.utf8)
        let timestamp = Int64(Date().timeIntervalSince1970)
        let signature = try #require(StandardWebhooksSigner(secret: secret)).signature(messageID: "m-1", timestamp: timestamp, body: body)
        func request(_ headers: [(name: String, value: String)]) -> RecordedRequest {
            RecordedRequest(method: "POST", path: "/hooks", headers: headers, body: body, receivedAt: Date(), answeredStatus: 200)
        }
        let signed = request([("webhook-id", "m-1"), ("webhook-timestamp", String(timestamp)), ("webhook-signature", signature)])
        let formatter = ListenLineFormatter(secret: secret)
        let line = formatter.line(for: signed)
        #expect(line.contains("job.status") && line.contains("m-1") && line.contains("test") && line.contains("✓"))
        let forged = request([("webhook-id", "m-2"), ("webhook-timestamp", String(timestamp)), ("webhook-signature", signature)])
        #expect(formatter.line(for: forged).contains("✗"))
        #expect(formatter.line(for: request([("webhook-id", "m-1")])).contains("absent"))
        // Printed on arrival, a delayed answer says so: the sender may give up before it.
        #expect(formatter.line(for: signed).contains("→ 200  "))
        var delayed = signed
        delayed.answerDelayMilliseconds = 20_000
        #expect(formatter.line(for: delayed).contains("→ 200 after 20000 ms"))
    }

    @Test func listenLineShowsASendersEscapeSequencesInsteadOfSendingThem() {
        // JSON may carry any control character escaped; decoded, it would reach the terminal.
        let body = Array(#"{"event":"\u001b[2Jjob.status","messageId":"m-\u001b]0;owned\u0007","liveMode":true}"#.utf8)
        let line = ListenLineFormatter(secret: nil).line(for: RecordedRequest(
            method: "POST", path: "/hooks", headers: [], body: body, receivedAt: Date(), answeredStatus: 200))
        #expect(!line.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        #expect(line.contains("^[[2Jjob.status") && line.contains("m-^[]0;owned^G"))
    }
}

struct PlainResponse {
    let status: Int
    let location: String?
}

/// A minimal HTTP/1.1 client over a socket, independent of the code under test.
func plainPost(url: String, body: String) async throws -> PlainResponse {
    let components = try #require(URLComponents(string: url))
    let port = try #require(components.port)
    return try await Task.detached {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw TestFailure("connect failed") }
        let request = "POST \(components.path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        _ = request.withCString { send(socketFD, $0, strlen($0), 0) }
        var response = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(socketFD, &buffer, buffer.count, 0)
            if count <= 0 { break }
            response += buffer[0..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        let statusLine = text.split(separator: "\r\n").first ?? ""
        let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        let location = text.split(separator: "\r\n")
            .first { $0.lowercased().hasPrefix("location:") }
            .map { $0.dropFirst("location:".count).trimmingCharacters(in: .whitespaces) }
        return PlainResponse(status: status, location: location)
    }.value
}

extension Sequence where Element: Sendable {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
