import AsyncHTTPClient
import Foundation
import HookdashCrypto
import HookdashStore
import NIOCore
import NIOHTTP1
import NIOSSL

/// The outcome of one attempt plus what the answer asked of the scheduler.
struct AttemptResult: Sendable {
    let draft: AttemptDraft
    /// From a 429's `Retry-After`.
    let retryAfter: TimeInterval?

    var succeeded: Bool { draft.succeeded }

    /// Standard Webhooks: a 410 means the receiver wants no more webhooks from this source,
    /// so the webhook is disabled rather than retried.
    var endpointGone: Bool { draft.responseStatus == 410 }
}

/// Signs and POSTs one claimed delivery, classifying whatever goes wrong.
struct DeliverySender: Sendable {
    static let responseBodyLimit = AttemptRecord.keptResponseBytes

    let configuration: DeliveryConfiguration
    let clients: EndpointClients
    let resolver: HostResolver
    let clock: DeliveryClock

    func send(_ delivery: ClaimedDelivery) async -> AttemptResult {
        let startedAt = clock.now()
        let began = ContinuousClock.now
        let headers = requestHeaders(for: delivery)
        let recordedHeaders = headers.map { RecordedHeader(name: $0.name, value: $0.value) }

        func finish(
            status: Int? = nil, responseHeaders: [RecordedHeader] = [], body: Data? = nil,
            error: (AttemptErrorClass, String)? = nil, note: String? = nil, retryAfter: TimeInterval? = nil
        ) -> AttemptResult {
            let elapsed = ContinuousClock.now - began
            let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
            return AttemptResult(
                draft: AttemptDraft(
                    deliveryID: delivery.deliveryID, trigger: delivery.trigger, startedAt: startedAt,
                    durationMilliseconds: milliseconds, requestURL: delivery.url, requestHeaders: recordedHeaders,
                    responseStatus: status, responseHeaders: responseHeaders, responseBody: body,
                    errorClass: error?.0, errorText: error?.1 ?? note),
                retryAfter: retryAfter)
        }

        let target: (lease: EndpointClients.Lease, url: String)
        switch await checkedTarget(delivery.url) {
        case .success(let checked): target = checked
        case .failure(let refusal): return finish(error: (refusal.errorClass, refusal.message))
        }
        defer { clients.release(target.lease) }

        var request = HTTPClientRequest(url: target.url)
        request.method = .POST
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        request.body = .bytes(ByteBuffer(bytes: delivery.body))

        do {
            let response = try await execute(request, on: target.lease.client, began: began)
            let responseHeaders = response.headers.map { RecordedHeader(name: $0.name, value: $0.value) }
            let status = Int(response.status.code)
            if Self.leavesBytesBehind(status: status, headers: response.headers) {
                clients.retire(target.lease)
            }
            let body: Data
            do {
                // The head came within the limit; the whole answer must too. AsyncHTTPClient's
                // deadline covers only the head, and its read timeout each read: an endpoint
                // trickling a byte a second would otherwise hold the attempt, its lease and a
                // slot for good.
                body = try await Self.readCapped(response.body, within: configuration.requestTimeout - (ContinuousClock.now - began))
            } catch is AnswerOverran {
                let failure = AttemptFailure.unfinishedAnswer(from: Endpoint.authority(delivery.url), configuration: configuration)
                return finish(status: status, responseHeaders: responseHeaders, error: (failure.errorClass, failure.text))
            } catch {
                let failure = AttemptFailure(
                    error, endpoint: Endpoint.authority(delivery.url), configuration: configuration, answerStarted: true)
                return finish(status: status, responseHeaders: responseHeaders, error: (failure.errorClass, failure.text))
            }
            // 304 Not Modified points nowhere: it is a plain non-2xx answer, not a redirect.
            if (300..<400).contains(status), status != 304 {
                let location = response.headers.first(name: "location").map { " to \($0)" } ?? ""
                return finish(
                    status: status, responseHeaders: responseHeaders, body: body,
                    error: (.redirect, "HTTP \(status) redirect\(location) not followed"))
            }
            // Standard Webhooks names these two as the answers whose Retry-After should be heeded.
            let retryAfter = status == 429 || status == 503
                ? RetrySchedule.parseRetryAfter(response.headers.first(name: "retry-after"), now: Date()) : nil
            if status == 410 {
                return finish(
                    status: status, responseHeaders: responseHeaders, body: body,
                    note: "HTTP 410 Gone: the endpoint wants no more webhooks, "
                        + (delivery.webhookActive ? "so the webhook was set Inactive" : "and the webhook is Inactive"))
            }
            return finish(status: status, responseHeaders: responseHeaders, body: body, retryAfter: retryAfter)
        } catch {
            let failure = AttemptFailure(
                error, endpoint: Endpoint.authority(delivery.url), configuration: configuration,
                secure: delivery.url.lowercased().hasPrefix("https:"))
            return finish(error: (failure.errorClass, failure.text))
        }
    }

    /// A kept-alive connection the endpoint closes just as a request goes out on it (its idle
    /// timer, or a close soon after answering without `Connection: close`) fails that request
    /// unanswered. As HTTP clients do for a request on a reused connection, it is sent once
    /// more, on the pool's next connection, within what is left of the deadline: the endpoint
    /// gave no answer, and receivers tell a repeat by its `webhook-id`. Otherwise the attempt
    /// failed, counted towards the ladder and the failure streak, and waited 5 s to be retried.
    private func execute(
        _ request: HTTPClientRequest, on client: HTTPClient, began: ContinuousClock.Instant
    ) async throws -> HTTPClientResponse {
        do {
            return try await client.execute(request, timeout: .init(configuration.requestTimeout))
        } catch where Self.closedBeforeAnswering(error) {
            let left = configuration.requestTimeout - (ContinuousClock.now - began)
            guard left > .seconds(1) else { throw error }
            return try await client.execute(request, timeout: .init(left))
        }
    }

    static func closedBeforeAnswering(_ error: Error) -> Bool {
        switch error {
        case let clientError as HTTPClientError: clientError == .remoteConnectionClosed
        case let ioError as IOError: ioError.errnoCode == ECONNRESET || ioError.errnoCode == EPIPE
        case let channelError as ChannelError: channelError == .ioOnClosedChannel
        default: false
        }
    }

    /// SPEC §3 headers; the secret itself never leaves this function.
    func requestHeaders(for delivery: ClaimedDelivery) -> [(name: String, value: String)] {
        // webhook-timestamp is wall-clock time: receivers compare it with theirs.
        let timestamp = Int64(Date().timeIntervalSince1970)
        var headers: [(name: String, value: String)] = [
            ("content-type", "application/json"),
            ("user-agent", configuration.userAgent),
            (StandardWebhooksHeader.id, delivery.messageID),
            (StandardWebhooksHeader.timestamp, String(timestamp)),
        ]
        if let signatures = StandardWebhooksSigner.signatureHeader(
            secret: delivery.secret, previousSecrets: delivery.previousSecrets, messageID: delivery.messageID,
            timestamp: timestamp, body: Array(delivery.body)) {
            headers.append((StandardWebhooksHeader.signature, signatures))
        }
        return headers
    }

    struct Refusal: Error {
        let errorClass: AttemptErrorClass
        let message: String
    }

    /// Resolves the host and checks every candidate address; the request then goes to the
    /// first allowed one (never re-resolved by the HTTP client).
    private func checkedTarget(_ urlText: String) async -> Result<(lease: EndpointClients.Lease, url: String), Refusal> {
        guard let url = URL(string: urlText), let scheme = url.scheme?.lowercased(), let rawHost = url.host,
              !rawHost.isEmpty
        else {
            return .failure(Refusal(errorClass: .other, message: "invalid URL"))
        }
        let host = rawHost.hasPrefix("[") ? String(rawHost.dropFirst().dropLast()) : rawHost
        guard scheme == "https" || (scheme == "http" && configuration.allowsPlainHTTP) else {
            return .failure(Refusal(
                errorClass: .ssrf, message: "plain http is only allowed to loopback in development mode (--dev)"))
        }
        let addresses: [IPAddress]
        do {
            // The connect timeout covers finding the address too: a name server that never
            // answers must not stretch an attempt past the SPEC's limits.
            addresses = try await resolver.resolve(host, within: configuration.connectTimeout)
        } catch {
            return .failure(Refusal(errorClass: .dns, message: String(describing: error)))
        }
        var refused: [(address: IPAddress, reason: String)] = []
        for address in addresses {
            if let reason = configuration.addressPolicy.refusal(for: address) {
                refused.append((address, reason))
                continue
            }
            return .success((clients.client(host: host, address: address), urlText))
        }
        return .failure(Refusal(errorClass: .ssrf, message: Self.refusalMessage(host: host, refused: refused)))
    }

    /// Names what was refused and the exact flag that would allow it.
    static func refusalMessage(host: String, refused: [(address: IPAddress, reason: String)]) -> String {
        let listed = refused.map { "\($0.address) (\($0.reason))" }.joined(separator: ", ")
        let subject = IPAddress(host) != nil
            ? "\(listed) is not a public address" : "\(host) resolves only to non-public addresses: \(listed)"
        var ways: [String] = []
        if refused.contains(where: { $0.reason == "loopback" }) { ways.append("--dev (loopback)") }
        if let first = refused.first(where: { !AddressPolicy.neverAllowed.contains($0.reason) }) {
            // ::ffff:127.0.0.1 is judged as the IPv4 address it carries, and allowed as one.
            let address = first.address.unmappedIPv4 ?? first.address
            ways.append("--allow-private \(address)/\(address.bytes.count * 8)")
        }
        guard !ways.isEmpty else { return "refused: \(subject), and no setting allows it" }
        return "refused: \(subject); to allow it: \(ways.joined(separator: " or "))"
    }

    /// A 1xx, 204 or 304 answer has no body whatever its headers say (RFC 9112 §6.3), so a
    /// body its server sent anyway stays on the connection, and the next request sent on it
    /// read those bytes as its answer: it failed as "not HTTP/1.1" although the endpoint had
    /// taken it and answered 200, so it was sent again.
    static func leavesBytesBehind(status: Int, headers: HTTPHeaders) -> Bool {
        guard (100..<200).contains(status) || status == 204 || status == 304 else { return false }
        return headers.contains(name: "transfer-encoding")
            || headers["content-length"].contains { Int($0.trimmingCharacters(in: .whitespaces)) != 0 }
    }

    /// The answer did not end within the request timeout.
    struct AnswerOverran: Error {}

    private static func readCapped(_ body: HTTPClientResponse.Body, within remaining: Duration) async throws -> Data {
        try await withThrowingTaskGroup(of: Data?.self) { group in
            group.addTask { try await readCapped(body) }
            group.addTask {
                try await Task.sleep(for: max(.zero, remaining))
                return nil
            }
            // Cancelling the read makes AsyncHTTPClient drop the connection.
            defer { group.cancelAll() }
            guard let first = try await group.next(), let data = first else { throw AnswerOverran() }
            return data
        }
    }

    private static func readCapped(_ body: HTTPClientResponse.Body) async throws -> Data {
        var kept = Data()
        var seen = 0
        for try await chunk in body {
            seen += chunk.readableBytes
            if kept.count < responseBodyLimit {
                kept.append(contentsOf: chunk.readableBytesView.prefix(responseBodyLimit - kept.count))
            }
            // Stop draining absurd bodies; the connection is simply not reused.
            if seen > 1 << 20 { break }
        }
        return kept
    }
}
