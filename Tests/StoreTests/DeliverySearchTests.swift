import Foundation
import HookdashDomain
import Testing
@testable import HookdashStore

/// The details screen's `/`: an operator looks a delivery up by what they have in hand — the
/// `webhook-id` a receiver logged, an HTTP status, a word of the error, a job id in the payload.
@Suite("Delivery search")
struct DeliverySearchTests {
    let owner = "test-host:1:abcd"
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("matches ids by their start, statuses exactly, errors and payloads anywhere, in either case")
    func matchesWhatAnOperatorHasInHand() async throws {
        let folder = try TemporaryFolder()
        let store = try WebhookStore.open(path: folder.file("db.sqlite"))
        let queue = QueueStore(store.dbPool)
        let billing = try store.create(try validFields(name: "Billing"))
        let other = try store.create(try validFields(name: "Other"))
        var messageIDs: [String] = []
        for (index, job) in ["job_ALPHA", "job_beta", "100%_done", "job_gamma"].enumerated() {
            let body = Data(#"{"jobId":"\#(job)"}"#.utf8)
            let queued = try queue.enqueue(NewMessage(
                eventType: "job.status", liveMode: true, body: body, createdAt: start.addingTimeInterval(Double(index))))
            messageIDs.append(queued.messageID)
        }
        // Answers: 503, 200, a refused connection, nothing yet.
        let claimed = try await queue.claimDue(owner: owner, now: start.addingTimeInterval(10), leaseDuration: 60, limit: 100)
            .filter { $0.webhookID == billing.id }
        let outcomes: [String: (Int?, AttemptErrorClass?, String?)] = [
            messageIDs[0]: (503, nil, nil), messageIDs[1]: (200, nil, nil),
            messageIDs[2]: (nil, .refused, "connection refused by 127.0.0.1:9 (nothing is listening there)"),
        ]
        try await queue.record(claimed.compactMap { delivery in
            guard let (status, errorClass, errorText) = outcomes[delivery.messageID] else { return nil }
            let draft = AttemptDraft(
                deliveryID: delivery.deliveryID, trigger: .scheduled, startedAt: start, durationMilliseconds: 3,
                requestURL: delivery.url, requestHeaders: [], responseStatus: status, responseHeaders: [],
                responseBody: nil, errorClass: errorClass, errorText: errorText)
            return (draft, draft.succeeded ? DeliveryTransition.succeeded : .retry(at: start.addingTimeInterval(60)))
        }, owner: owner)

        func found(_ text: String, status: DeliveryStatus? = nil, window: Int = 100) throws -> [String] {
            try queue.deliveries(webhookID: billing.id, status: status, matching: text, window: window, limit: 50).map(\.messageID)
        }
        #expect(try found(String(messageIDs[2].prefix(23))) == [messageIDs[2]], "a message id's start")
        #expect(try found(messageIDs[1].uppercased()) == [messageIDs[1]], "ids match in either case")
        #expect(try found("503") == [messageIDs[0]], "an HTTP status")
        #expect(try found("nothing is LISTENING") == [messageIDs[2]], "words of the error")
        #expect(try found("job_beta") == [messageIDs[1]], "text in the payload")
        #expect(try found("JOB_") == [messageIDs[3], messageIDs[1], messageIDs[0]], "newest first")
        #expect(try found("100%") == [messageIDs[2]], "% is a character, not a wildcard")
        #expect(try found("_done") == [messageIDs[2]])
        #expect(try found("job_", status: .succeeded) == [messageIDs[1]], "the f filter still applies")
        #expect(try found("  job_beta  ") == [messageIDs[1]], "surrounding spaces do not count")
        #expect(try found("job_alpha", window: 2).isEmpty, "only the newest `window` are searched")
        #expect(try found("job_gamma", window: 2) == [messageIDs[3]])
        #expect(try found("no such text").isEmpty)
        #expect(try found("").count == 4, "an empty search lists everything")
        let otherDeliveries = try queue.deliveries(webhookID: other.id, status: nil, matching: "job_beta", limit: 50)
        #expect(otherDeliveries.map(\.webhookID) == [other.id], "one webhook's deliveries only")
    }

    @Test("redelivering the failed deliveries a search matches moves those and no others")
    func redeliverWhatTheSearchMatches() async throws {
        let folder = try TemporaryFolder()
        let store = try WebhookStore.open(path: folder.file("db.sqlite"))
        let queue = QueueStore(store.dbPool)
        let billing = try store.create(try validFields(name: "Billing"))
        let other = try store.create(try validFields(name: "Other"))
        for job in ["job_a", "job_b", "job_b2"] {
            try queue.enqueue(NewMessage(eventType: "job.status", liveMode: true, body: Data(#"{"jobId":"\#(job)"}"#.utf8), createdAt: start))
        }
        let claimed = try await queue.claimDue(owner: owner, now: start, leaseDuration: 60, limit: 100)
        try await queue.record(claimed.map { delivery in
            (AttemptDraft(
                deliveryID: delivery.deliveryID, trigger: .scheduled, startedAt: start, durationMilliseconds: 3,
                requestURL: delivery.url, requestHeaders: [], responseStatus: 500, responseHeaders: [],
                responseBody: nil, errorClass: nil, errorText: nil), DeliveryTransition.failed)
        }, owner: owner)

        let later = start.addingTimeInterval(60)
        #expect(try queue.failedCount(webhookID: billing.id, matching: "JOB_B") == 2, "what R's question counts")
        #expect(try queue.redeliverFailed(webhookID: billing.id, matching: "JOB_B", now: later) == 2)
        #expect(try queue.failedCount(webhookID: billing.id, matching: "JOB_B") == 0)
        let moved = try queue.deliveries(webhookID: billing.id, status: .pending, limit: 10)
        #expect(moved.count == 2 && moved.allSatisfy { $0.trigger == .manual })
        #expect(try queue.deliveries(webhookID: billing.id, status: .failed, limit: 10).count == 1, "job_a stays failed")
        #expect(try queue.deliveries(webhookID: other.id, status: .failed, limit: 10).count == 3, "another webhook's stay failed")
        #expect(try queue.redeliverFailed(webhookID: billing.id, matching: "nothing like it", now: later) == 0)
        #expect(try queue.redeliverFailed(webhookID: billing.id, matching: "  ", now: later) == 1, "no search: every failed one")
    }
}
