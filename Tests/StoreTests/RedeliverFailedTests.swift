import Foundation
import HookdashDomain
import Testing
@testable import HookdashStore

/// Bulk redelivery: after an endpoint comes back, every failed delivery to it (or to every
/// webhook) is due again as one manual attempt; nothing else moves.
@Suite("Redeliver failed deliveries")
struct RedeliverFailedTests {
    let owner = "test-host:1:abcd"
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// Claims everything due and records one attempt for each, moving it as `transition` says.
    func attemptAll(_ queue: QueueStore, status: Int, transition: DeliveryTransition, at: Date? = nil) async throws {
        let claimed = try await queue.claimDue(owner: owner, now: at ?? start, leaseDuration: 60, limit: 100)
        try await queue.record(claimed.map { delivery in
            (AttemptDraft(
                deliveryID: delivery.deliveryID, trigger: .scheduled, startedAt: start, durationMilliseconds: 3,
                requestURL: delivery.url, requestHeaders: [], responseStatus: status, responseHeaders: [],
                responseBody: nil, errorClass: nil, errorText: nil), transition)
        }, owner: owner)
    }

    func emit(_ queue: QueueStore) throws {
        try queue.enqueue(NewMessage(eventType: "job.status", liveMode: true, body: Data(#"{"id":"1"}"#.utf8), createdAt: start))
    }

    @Test("only failed deliveries of existing webhooks move, to pending, manual, due now")
    func onlyFailedOnesMove() async throws {
        let folder = try TemporaryFolder()
        let store = try WebhookStore.open(path: folder.file("db.sqlite"))
        let queue = QueueStore(store.dbPool)
        let billing = try store.create(try validFields(name: "Billing"))
        let orders = try store.create(try validFields(name: "Orders"))
        let gone = try store.create(try validFields(name: "Gone"))
        try emit(queue)
        try emit(queue)
        try await attemptAll(queue, status: 500, transition: .failed)
        try emit(queue)
        try await attemptAll(queue, status: 200, transition: .succeeded)
        _ = try store.delete(id: gone.id)

        func statuses(_ webhookID: String) throws -> [DeliveryStatus] {
            try queue.deliveries(webhookID: webhookID, limit: 10).map(\.status).sorted { $0.rawValue < $1.rawValue }
        }
        #expect(try statuses(billing.id) == [.failed, .failed, .succeeded])

        let later = start.addingTimeInterval(3600)
        #expect(try queue.failedCount(webhookID: billing.id) == 2)
        #expect(try queue.redeliverFailed(webhookID: billing.id, now: later) == 2)
        let moved = try queue.deliveries(webhookID: billing.id, status: .pending, limit: 10)
        #expect(moved.count == 2)
        #expect(moved.allSatisfy { $0.trigger == .manual && $0.nextAttemptAt == later && $0.leaseOwner == nil })
        #expect(try statuses(orders.id) == [.failed, .failed, .succeeded], "another webhook's are untouched")

        // Every webhook: the rest of the failed ones, but not those of the deleted webhook.
        #expect(try queue.redeliverFailed(webhookID: nil, now: later) == 2)
        #expect(try statuses(orders.id) == [.pending, .pending, .succeeded])
        #expect(try statuses(gone.id) == [.failed, .failed, .succeeded])
        #expect(try queue.redeliverFailed(webhookID: nil, now: later) == 0)

        // They are claimable now, once each.
        let claimed = try await queue.claimDue(owner: owner, now: later, leaseDuration: 60, limit: 100)
        #expect(claimed.count == 4)
        #expect(claimed.allSatisfy { $0.trigger == .manual })
    }

    @Test("since: only deliveries created at or after it, in the list and in the redelivery")
    func sinceBoundsTheRange() async throws {
        let folder = try TemporaryFolder()
        let store = try WebhookStore.open(path: folder.file("db.sqlite"))
        let queue = QueueStore(store.dbPool)
        let billing = try store.create(try validFields(name: "Billing"))
        for minutes in [0.0, 30, 60] {
            try queue.enqueue(NewMessage(
                eventType: "job.status", liveMode: true, body: Data(#"{"id":"1"}"#.utf8),
                createdAt: start.addingTimeInterval(minutes * 60)))
        }
        try await attemptAll(queue, status: 500, transition: .failed, at: start.addingTimeInterval(7200))
        let cut = start.addingTimeInterval(30 * 60)
        let recent = try queue.deliveries(webhookID: billing.id, status: .failed, since: cut, limit: 10)
        #expect(recent.map(\.createdAt) == [start.addingTimeInterval(3600), cut])
        #expect(try queue.redeliverFailed(webhookID: nil, since: cut, now: start) == 2)
        #expect(try queue.deliveries(webhookID: billing.id, status: .failed, limit: 10).map(\.createdAt) == [start])
    }

    @Test("failed test events are neither counted nor redelivered in bulk")
    func testEventsStayFailed() async throws {
        let folder = try TemporaryFolder()
        let store = try WebhookStore.open(path: folder.file("db.sqlite"))
        let queue = QueueStore(store.dbPool)
        let billing = try store.create(try validFields(name: "Billing"))
        try emit(queue)
        _ = try queue.enqueueTest(webhookID: billing.id, now: start)
        try await attemptAll(queue, status: 500, transition: .failed)
        #expect(try queue.deliveries(webhookID: billing.id, status: .failed, limit: 10).count == 2)
        #expect(try queue.failedCount(webhookID: billing.id) == 1)
        #expect(try queue.failedCount(webhookID: billing.id, matching: "job") == 1)
        #expect(try queue.redeliverFailed(webhookID: nil, now: start) == 1)
        let stillFailed = try queue.deliveries(webhookID: billing.id, status: .failed, limit: 10)
        #expect(stillFailed.count == 1 && stillFailed.allSatisfy { !$0.liveMode })
    }

    @Test("a webhook that does not exist is an error, not zero")
    func unknownWebhook() throws {
        let folder = try TemporaryFolder()
        let store = try WebhookStore.open(path: folder.file("db.sqlite"))
        #expect(throws: QueueError.self) { try QueueStore(store.dbPool).redeliverFailed(webhookID: "nope") }
    }
}
