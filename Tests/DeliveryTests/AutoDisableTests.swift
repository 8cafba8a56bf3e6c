import Foundation
import GRDB
import HookdashDelivery
import HookdashDomain
import HookdashReceiver
import HookdashStore
import Synchronization
import Testing

/// A webhook whose every attempt has failed for 5 days is set inactive with a reason (as
/// Svix does), on the replaceable clock; any answered attempt ends the run of failures.
@Suite struct AutoDisableTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let hour: TimeInterval = 3600

    @Test func failingForFiveDaysDisablesTheWebhookAndSaysWhy() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start(policy: ReceiverPolicy(defaultResponse: ReceiverResponse(status: 500)))
        let id = try database.addWebhook(url: receiver.url())
        let clock = ManualDeliveryClock(start: Self.start)
        let disabled = Mutex<[(String, String, String)]>([])
        let engine = DeliveryEngine(
            queue: database.queue, configuration: devConfiguration(), clock: clock,
            onWebhookDisabled: { id, url, reason in disabled.withLock { $0.append((id, url, reason)) } })

        let first = try database.emit(at: clock.now())
        #expect(await engine.processDue(onlyIDs: first.deliveryIDs) == 1)
        clock.advance(by: 119 * Self.hour)
        let second = try database.emit(at: clock.now())
        #expect(await engine.processDue(onlyIDs: second.deliveryIDs) == 1)
        #expect(try database.store.webhook(id: id)?.active == true, "119 hours of failures are not yet 5 days")

        clock.advance(by: 2 * Self.hour)
        let third = try database.emit(at: clock.now())
        #expect(await engine.processDue(onlyIDs: third.deliveryIDs) == 1)
        await engine.shutdown()
        await receiver.stop()

        let webhook = try #require(try database.store.webhook(id: id))
        #expect(!webhook.active)
        #expect(webhook.disabledReason == "every attempt failed for 5 days")
        #expect(webhook.version == 2, "a new version, so an open edit form sees the change")
        #expect(disabled.withLock { $0.map(\.0) } == [id])
        #expect(disabled.withLock { $0.map(\.1) } == [receiver.url()])
        #expect(disabled.withLock { $0.map(\.2) } == ["every attempt failed for 5 days"])
        // Held, not dropped: the failed message's retry waits for the webhook to come back.
        #expect(try database.queue.delivery(id: third.deliveryIDs[0])?.status == .pending)
        #expect(try database.emit().deliveryIDs.isEmpty, "an inactive webhook gets no new deliveries")

        // Setting it active again clears the reason and starts a new count.
        let draft = WebhookDraft(name: webhook.name, url: webhook.url, secret: "", events: ["job.status"], active: true)
        guard case .success(let fields) = WebhookValidator.validate(draft, options: ValidationOptions(devMode: true)) else {
            Issue.record("the reactivating edit is invalid")
            return
        }
        let resumed = try database.store.update(id: id, expectedVersion: webhook.version, fields)
        #expect(resumed.disabledReason == nil)
        #expect(try database.store.webhook(id: id)?.disabledReason == nil)
        let failingSince = try await database.pool.read { db in
            try Double.fetchOne(db, sql: "SELECT failingSince FROM webhooks WHERE id = ?", arguments: [id])
        }
        #expect(failingSince == nil)
    }

    /// `webhooks test` against a dead endpoint, days apart, is no run of real failures: it
    /// disabled the webhook without a word.
    @Test func failingTestEventsNeverDisableAWebhook() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start(policy: ReceiverPolicy(defaultResponse: ReceiverResponse(status: 500)))
        let id = try database.addWebhook(url: receiver.url())
        let clock = ManualDeliveryClock(start: Self.start)
        let engine = DeliveryEngine(queue: database.queue, configuration: devConfiguration(), clock: clock)
        for _ in 0..<3 {
            let test = try database.queue.enqueueTest(webhookID: id, now: clock.now())
            #expect(await engine.processDue(onlyIDs: test.flatMap(\.deliveryIDs)) == 1)
            clock.advance(by: 72 * Self.hour)
        }
        await engine.shutdown()
        await receiver.stop()
        #expect(try database.store.webhook(id: id)?.active == true)
    }

    @Test func anAnsweredAttemptEndsTheRunOfFailures() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start(policy: ReceiverPolicy(
            defaultResponse: ReceiverResponse(status: 500), script: [ReceiverResponse(status: 500), ReceiverResponse(status: 200)]))
        let id = try database.addWebhook(url: receiver.url())
        let clock = ManualDeliveryClock(start: Self.start)
        let engine = DeliveryEngine(queue: database.queue, configuration: devConfiguration(), clock: clock)

        for hours in [0.0, 1, 100, 122] {
            clock.advance(by: hours * Self.hour - clock.now().timeIntervalSince(Self.start))
            let emitted = try database.emit(at: clock.now())
            #expect(await engine.processDue(onlyIDs: emitted.deliveryIDs) == 1)
        }
        await engine.shutdown()
        await receiver.stop()

        // Failed at 0 h, answered at 1 h, failing again since 100 h: 22 hours, not 5 days.
        let webhook = try #require(try database.store.webhook(id: id))
        #expect(webhook.active)
        #expect(webhook.disabledReason == nil)
        let failingSince = try await database.pool.read { db in
            try Double.fetchOne(db, sql: "SELECT failingSince FROM webhooks WHERE id = ?", arguments: [id])
        }
        #expect(failingSince == Self.start.addingTimeInterval(100 * Self.hour).timeIntervalSince1970)
    }

    @Test func aGoneEndpointSaysSoToo() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start(policy: ReceiverPolicy(defaultResponse: ReceiverResponse(status: 410)))
        let id = try database.addWebhook(url: receiver.url())
        try database.emit()
        let disabled = Mutex<[(String, String)]>([])
        let engine = DeliveryEngine(
            queue: database.queue, configuration: devConfiguration(),
            onWebhookDisabled: { id, _, reason in disabled.withLock { $0.append((id, reason)) } })
        #expect(await engine.processDue() == 1)
        try database.emit()
        #expect(await engine.processDue() == 0, "an inactive webhook gets nothing more")
        await engine.shutdown()
        await receiver.stop()
        #expect(try database.store.webhook(id: id)?.disabledReason == "the endpoint answered 410 Gone")
        // Announced like any other disable (serve's stderr, the console's toast, the notify command), once.
        #expect(disabled.withLock { $0.map(\.0) } == [id])
        #expect(disabled.withLock { $0.map(\.1) } == ["the endpoint answered 410 Gone"])
    }
}
