import Foundation
import GRDB
import HookdashDomain
import Testing
@testable import HookdashStore

/// `emit`'s fan-out on a real file: one delivery per active webhook subscribed to the event,
/// whatever form its stored event list has, and each message's rows carry its own values even
/// though the INSERT statements are cached and reused.
@Suite("Enqueue")
struct EnqueueTests {
    @Test("one delivery per active subscriber, in creation order, for each message")
    func deliveriesGoToActiveSubscribersOnly() throws {
        let folder = try TemporaryFolder()
        let store = try WebhookStore.open(path: folder.file("db.sqlite"))
        let queue = QueueStore(store.dbPool)
        let jobs = try store.create(try validFields(name: "Jobs"))
        let orders = try store.create(try validFields(name: "Orders", events: ["order.status"]))
        let both = try store.create(try validFields(name: "Both", events: ["order.status", "job.status"]))
        _ = try store.create(try validFields(name: "Paused", active: false))
        let legacy = try store.create(try validFields(name: "Legacy", events: ["order.status"]))
        // An event list stored by hand as a comma-separated string still counts.
        try store.dbPool.write { db in
            try db.execute(sql: "UPDATE webhooks SET events = 'order.status, job.status' WHERE id = ?", arguments: [legacy.id])
        }

        let first = try queue.enqueue(NewMessage(
            eventType: "job.status", liveMode: true, body: Data(#"{"n":1}"#.utf8), createdAt: Date()))
        let second = try queue.enqueue(NewMessage(
            eventType: "job.status", liveMode: true, body: Data(#"{"n":2}"#.utf8), createdAt: Date()))
        let third = try queue.enqueue(NewMessage(
            eventType: "order.status", liveMode: true, body: Data(#"{"n":3}"#.utf8), createdAt: Date()))

        for (result, body, expected) in [
            (first, #"{"n":1}"#, [jobs.id, both.id, legacy.id]),
            (second, #"{"n":2}"#, [jobs.id, both.id, legacy.id]),
            (third, #"{"n":3}"#, [orders.id, both.id, legacy.id]),
        ] {
            let deliveries = try result.deliveryIDs.map { try #require(try queue.delivery(id: $0)) }
            #expect(deliveries.map(\.webhookID) == expected)
            #expect(deliveries.allSatisfy { $0.messageID == result.messageID && $0.status == .pending })
            // The stored envelope wraps this message's own body.
            let stored = try #require(try queue.message(id: result.messageID)).body
            #expect(String(decoding: stored, as: UTF8.self).contains(body))
        }
        #expect(Set([first.messageID, second.messageID, third.messageID]).count == 3)
        let total = try store.dbPool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deliveries") }
        #expect(total == 9)
    }

    @Test("an event no webhook subscribes to stores the message and no delivery")
    func noSubscribers() throws {
        let folder = try TemporaryFolder()
        let store = try WebhookStore.open(path: folder.file("db.sqlite"))
        let queue = QueueStore(store.dbPool)
        _ = try store.create(try validFields(name: "Jobs"))
        let result = try queue.enqueue(NewMessage(
            eventType: "order.status", liveMode: true, body: Data("{}".utf8), createdAt: Date()))
        #expect(result.deliveryIDs.isEmpty)
        #expect(try queue.message(id: result.messageID) != nil)
    }
}
