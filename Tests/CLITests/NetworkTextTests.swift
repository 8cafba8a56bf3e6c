import Foundation
import HookdashStore
import Testing

/// What an endpoint answered is printed, never obeyed: escape sequences in a response body,
/// a response header or an error text reach the terminal as visible `^[` notation.
@Suite("CLI: endpoint text on the terminal")
struct NetworkTextTests {
    @Test("deliveries show and the list print control characters visibly")
    func escapeSequencesAreShownNotSent() async throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.run(["webhooks", "create", "--name", "Jobs", "--url", "https://example.com/hooks", "--event", "job.status"]).status == 0)
        let body = sandbox.write("body.json", #"{"jobId":"job_1"}"#)
        #expect(try sandbox.run(["emit", "job.status", "--file", body]).status == 0)

        // Record the answer a hostile endpoint would give, through the store as the engine does.
        let queue = QueueStore(try WebhookStore.open(path: sandbox.db).dbPool)
        let claimed = try await queue.claimDue(owner: "test:1:abcd", now: Date(), leaseDuration: 60, limit: 1)
        let delivery = try #require(claimed.first)
        let escape = "\u{1B}"
        try await queue.record([(AttemptDraft(
            deliveryID: delivery.deliveryID, trigger: .scheduled, startedAt: Date(), durationMilliseconds: 5,
            requestURL: delivery.url, requestHeaders: [], responseStatus: 302,
            responseHeaders: [RecordedHeader(name: "x-note", value: "\(escape)]0;owned\u{7}")],
            responseBody: Data("line one\n\(escape)[2J\(escape)[31mcleared\r".utf8),
            errorClass: .redirect, errorText: "HTTP 302 redirect to \(escape)[31mhttps://evil.example/"), .failed)], owner: "test:1:abcd")

        let shown = try sandbox.run(["deliveries", "show", delivery.deliveryID])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(!shown.stdout.contains(escape) && !shown.stdout.contains("\r") && !shown.stdout.contains("\u{7}"))
        #expect(shown.stdout.contains("< x-note: ^[]0;owned^G"))
        #expect(shown.stdout.contains("line one\n"), "multi-line bodies keep their line breaks")
        #expect(shown.stdout.contains("^[[2J^[[31mcleared^M"))
        #expect(shown.stdout.contains("redirect: HTTP 302 redirect to ^[[31mhttps://evil.example/"))

        let listed = try sandbox.run(["deliveries", "--status", "failed"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(!listed.stdout.contains(escape))
    }
}

@Suite("CLI: answers that are not text")
struct BinaryAnswerTests {
    /// `--json` carries text; an answer that is not UTF-8 came out with U+FFFD in place of
    /// its bytes and no way back to them.
    @Test func anAnswerThatIsNotUTF8KeepsItsBytesInBase64() async throws {
        let sandbox = try Sandbox()
        _ = try sandbox.createWebhook(name: "Jobs", url: "https://example.com/hooks")
        #expect(try sandbox.run(["emit", "job.status"], stdin: Data("{}".utf8)).status == 0)
        let queue = QueueStore(try WebhookStore.open(path: sandbox.db).dbPool)
        let delivery = try #require(try await queue.claimDue(owner: "test:1:abcd", now: Date(), leaseDuration: 60, limit: 1).first)
        let bytes = Data([0xFF, 0xFE, 0x61, 0x62, 0x63])
        try await queue.record([(AttemptDraft(
            deliveryID: delivery.deliveryID, trigger: .scheduled, startedAt: Date(), durationMilliseconds: 5,
            requestURL: delivery.url, requestHeaders: [], responseStatus: 200, responseHeaders: [],
            responseBody: bytes, errorClass: nil, errorText: nil), .succeeded)], owner: "test:1:abcd")

        let shown = try sandbox.run(["deliveries", "show", delivery.deliveryID, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        let attempt = try #require((object["attemptLog"] as? [[String: Any]])?.first)
        #expect(attempt["responseBodyBase64"] as? String == bytes.base64EncodedString())
        #expect((attempt["responseBody"] as? String)?.hasSuffix("abc") == true)
    }
}
