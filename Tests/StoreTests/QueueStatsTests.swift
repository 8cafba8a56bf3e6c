import Foundation
import HookdashDomain
import Testing
@testable import HookdashStore

/// The header's counters: "due" is what a worker would take now, so it always drains.
@Suite("Queue counters")
struct QueueStatsTests {
    @Test("an inactive webhook's pending deliveries are pending, not due, until it is active again")
    func inactiveWebhooksDeliveriesAreNotDue() throws {
        let folder = try TemporaryFolder()
        let store = try WebhookStore.open(path: folder.file("db.sqlite"))
        let queue = QueueStore(store.dbPool)
        _ = try store.create(try validFields(name: "Active"))
        let paused = try store.create(try validFields(name: "Paused"))
        try queue.enqueue(NewMessage(eventType: "job.status", liveMode: true, body: Data(#"{"id":"1"}"#.utf8), createdAt: Date()))
        var stats = try queue.queueStats()
        #expect(stats.due == 2 && stats.pending == 2)

        var draft = paused.draft
        draft.active = false
        try store.update(id: paused.id, expectedVersion: paused.version, try WebhookValidator.validate(draft).get())
        stats = try queue.queueStats()
        #expect(stats.due == 1, "the paused webhook's delivery waits")
        #expect(stats.pending == 2 && stats.inFlight == 0)

        // Inactive webhooks get nothing, a redelivery included: it is refused, saying why.
        let pausedDelivery = try #require(try queue.deliveries(webhookID: paused.id, limit: 1).first)
        #expect(throws: QueueError.webhookInactive(paused.id, reason: nil)) { try queue.redeliver(deliveryID: pausedDelivery.id) }
        #expect(throws: QueueError.webhookInactive(paused.id, reason: nil)) { try queue.redeliverFailed(webhookID: paused.id) }
        #expect(try queue.queueStats().due == 1)
    }

    /// The header's "failed" only grew: failed test events, and deliveries of a deleted
    /// webhook, which nothing can redeliver, kept it up for good.
    @Test func failedCountsOnlyWhatCanBeRedelivered() async throws {
        let folder = try TemporaryFolder()
        let store = try WebhookStore.open(path: folder.file("db.sqlite"))
        let queue = QueueStore(store.dbPool)
        _ = try store.create(try validFields(name: "Kept"))
        let gone = try store.create(try validFields(name: "Gone"))
        try queue.enqueue(NewMessage(eventType: "job.status", liveMode: true, body: Data("{}".utf8), createdAt: Date()))
        try queue.enqueue(NewMessage(eventType: "job.status", liveMode: false, body: Data("{}".utf8), createdAt: Date()))
        try await store.dbPool.write { db in try db.execute(sql: "UPDATE deliveries SET status = 'failed'") }
        #expect(try queue.queueStats().failed == 2, "the live ones; the test events are left out")
        try store.delete(id: gone.id)
        #expect(try queue.queueStats().failed == 1, "and the deleted webhook's")
        #expect(try queue.deliveries(webhookID: nil, status: .failed, limit: 10).count == 4, "all still listed")
    }

    /// The dashboard says "sending" for a webhook whose first delivery is in flight.
    @Test func statsNameTheWebhooksWithADeliveryInFlight() async throws {
        let folder = try TemporaryFolder()
        let store = try WebhookStore.open(path: folder.file("db.sqlite"))
        let queue = QueueStore(store.dbPool)
        let billing = try store.create(try validFields(name: "Billing"))
        _ = try store.create(try validFields(name: "Orders", events: ["order.status"]))
        try queue.enqueue(NewMessage(eventType: "job.status", liveMode: true, body: Data("{}".utf8), createdAt: Date()))
        #expect(try queue.queueStats().inFlightWebhookIDs.isEmpty)
        _ = try await queue.claimDue(owner: "test-host:1:abcd", now: Date(), leaseDuration: 60, limit: 10)
        let stats = try queue.queueStats()
        #expect(stats.inFlight == 1 && stats.inFlightWebhookIDs == [billing.id])
    }
}
