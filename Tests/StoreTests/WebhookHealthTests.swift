import Foundation
import Testing
@testable import HookdashStore

/// `webhooks show`'s "Last 24 h" line: what a webhook's recent attempts got back, and how fast.
@Suite struct WebhookHealthTests {
    let owner = "test-host:1:abcd"
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func draft(_ deliveryID: String, at: Date, duration: Int, status: Int?) -> AttemptDraft {
        AttemptDraft(
            deliveryID: deliveryID, trigger: .scheduled, startedAt: at, durationMilliseconds: duration,
            requestURL: "https://example.com/hooks", requestHeaders: [], responseStatus: status,
            responseHeaders: [], responseBody: nil, errorClass: status == nil ? .refused : nil,
            errorText: status == nil ? "connection refused" : nil)
    }

    @Test func countsAnswersAndRanksResponseTimesInTheWindowOnly() async throws {
        let folder = try TemporaryFolder()
        let store = try WebhookStore.open(path: folder.file("db.sqlite"))
        let queue = QueueStore(store.dbPool)
        let billing = try store.create(try validFields(name: "Billing"))
        let orders = try store.create(try validFields(name: "Orders", events: ["order.status"]))
        #expect(try queue.health(webhookID: billing.id, since: now.addingTimeInterval(-86_400)).attempts == 0)

        // 25 hours ago: outside the window.
        let old = now.addingTimeInterval(-25 * 3600)
        try queue.enqueue(NewMessage(eventType: "job.status", liveMode: true, body: Data("{}".utf8), createdAt: old))
        let oldClaim = try await queue.claimDue(owner: owner, now: old, leaseDuration: 60, limit: 10)
        try await queue.record(oldClaim.map { (draft($0.deliveryID, at: old, duration: 9_999, status: 200), .succeeded) }, owner: owner)

        // In the window: 20 answers taking 10, 20, … 200 ms (the last two 500s), 2 refused.
        for _ in 0..<22 {
            try queue.enqueue(NewMessage(eventType: "job.status", liveMode: true, body: Data("{}".utf8), createdAt: now))
        }
        try queue.enqueue(NewMessage(eventType: "order.status", liveMode: true, body: Data("{}".utf8), createdAt: now))
        let claimed = try await queue.claimDue(owner: owner, now: now, leaseDuration: 60, limit: 100)
        let billingClaims = claimed.filter { $0.webhookID == billing.id }
        #expect(billingClaims.count == 22)
        var drafts: [(AttemptDraft, DeliveryTransition)] = []
        for (index, delivery) in billingClaims.enumerated() {
            let status: Int? = index < 18 ? 200 : index < 20 ? 500 : nil
            drafts.append((draft(delivery.deliveryID, at: now, duration: (index + 1) * 10, status: status), .succeeded))
        }
        for delivery in claimed where delivery.webhookID == orders.id {
            drafts.append((draft(delivery.deliveryID, at: now, duration: 5, status: 200), .succeeded))
        }
        try await queue.record(drafts, owner: owner)

        let health = try queue.health(webhookID: billing.id, since: now.addingTimeInterval(-86_400))
        #expect(health.attempts == 22)
        #expect(health.succeeded == 18)
        #expect(health.otherAnswers == 2)
        #expect(health.unanswered == 2)
        // Nearest rank over the 20 answered: the 10th and the 19th of 10, 20, … 200 ms.
        #expect(health.medianMilliseconds == 100)
        #expect(health.p95Milliseconds == 190)
        #expect(try queue.health(webhookID: orders.id, since: now.addingTimeInterval(-86_400)).attempts == 1)
    }

    /// A 200 whose body never ended in time failed: it is not counted as answered 2xx.
    @Test func anAnswerThatDidNotEndIsNotASuccess() async throws {
        let folder = try TemporaryFolder()
        let store = try WebhookStore.open(path: folder.file("db.sqlite"))
        let queue = QueueStore(store.dbPool)
        let billing = try store.create(try validFields(name: "Billing"))
        try queue.enqueue(NewMessage(eventType: "job.status", liveMode: true, body: Data("{}".utf8), createdAt: now))
        let claimed = try await queue.claimDue(owner: owner, now: now, leaseDuration: 60, limit: 10)
        let unfinished = AttemptDraft(
            deliveryID: claimed[0].deliveryID, trigger: .scheduled, startedAt: now, durationMilliseconds: 15_000,
            requestURL: "https://example.com/hooks", requestHeaders: [], responseStatus: 200, responseHeaders: [],
            responseBody: nil, errorClass: .timeout, errorText: "the answer from example.com:443 started but did not end within 15 s")
        try await queue.record([(unfinished, .retry(at: now.addingTimeInterval(5)))], owner: owner)
        let health = try queue.health(webhookID: billing.id, since: now.addingTimeInterval(-86_400))
        #expect(health.attempts == 1 && health.succeeded == 0 && health.unanswered == 1)
    }

    @Test func oneAnswerIsItsOwnMedianAndP95() {
        let health = WebhookHealth(attempts: [(durationMilliseconds: 42, status: 204)])
        #expect(health.medianMilliseconds == 42)
        #expect(health.p95Milliseconds == 42)
        let none = WebhookHealth(attempts: [(durationMilliseconds: 15_000, status: nil)])
        #expect(none.medianMilliseconds == nil)
        #expect(none.unanswered == 1)
    }
}
