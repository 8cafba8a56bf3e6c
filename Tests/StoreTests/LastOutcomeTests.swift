import Foundation
import GRDB
import HookdashDomain
import Testing
@testable import HookdashStore

/// The dashboard's "Last delivery" comes from a row per webhook that triggers keep; these
/// tests check it against what the deliveries table says, on a real file.
@Suite("Last outcome per webhook")
struct LastOutcomeTests {
    let owner = "test-host:1:abcd"

    func attempt(_ deliveryID: String, status: Int?, at: Date, error: AttemptErrorClass? = nil) -> AttemptDraft {
        AttemptDraft(
            deliveryID: deliveryID, trigger: .scheduled, startedAt: at, durationMilliseconds: 3,
            requestURL: "https://example.com/hooks", requestHeaders: [], responseStatus: status,
            responseHeaders: [], responseBody: nil, errorClass: error, errorText: error.map { _ in "connection refused" })
    }

    /// Claims everything due and records one attempt for each with `status`.
    func attemptAll(_ queue: QueueStore, status: Int?, at: Date, transition: DeliveryTransition,
                    error: AttemptErrorClass? = nil) async throws -> [String] {
        let claimed = try await queue.claimDue(owner: owner, now: at, leaseDuration: 60, limit: 100)
        try await queue.record(claimed.map { (attempt($0.deliveryID, status: status, at: at, error: error), transition) }, owner: owner)
        return claimed.map(\.deliveryID)
    }

    func body() -> Data { Data(#"{"id":"1"}"#.utf8) }

    @Test("follows new attempts, ignores older ones, and forgets deleted webhooks")
    func followsAttempts() async throws {
        let folder = try TemporaryFolder()
        let store = try WebhookStore.open(path: folder.file("db.sqlite"))
        let queue = QueueStore(store.dbPool)
        let billing = try store.create(try validFields(name: "Billing"))
        let orders = try store.create(try validFields(name: "Orders", events: ["order.status"]))
        #expect(try queue.lastOutcomeByWebhook().isEmpty)

        let start = Date(timeIntervalSince1970: 1_800_000_000)
        try queue.enqueue(NewMessage(eventType: "job.status", liveMode: true, body: body(), createdAt: start))
        let first = try await attemptAll(queue, status: 500, at: start, transition: .retry(at: start))
        var outcomes = try queue.lastOutcomeByWebhook()
        #expect(outcomes.keys.sorted() == [billing.id])
        #expect(outcomes[billing.id]?.deliveryID == first.first)
        #expect(outcomes[billing.id]?.statusCode == 500)
        #expect(outcomes[billing.id]?.status == .pending)

        // A second message answered 200 a minute later becomes the last one.
        try queue.enqueue(NewMessage(eventType: "job.status", liveMode: true, body: body(), createdAt: start))
        try await queue.dbPool.write { db in
            try db.execute(sql: "UPDATE deliveries SET nextAttemptAt = ? WHERE id = ?", arguments: [start.addingTimeInterval(3600).timeIntervalSince1970, first[0]])
        }
        let second = try await attemptAll(queue, status: 200, at: start.addingTimeInterval(60), transition: .succeeded)
        outcomes = try queue.lastOutcomeByWebhook()
        #expect(outcomes[billing.id]?.deliveryID == second.first)
        #expect(outcomes[billing.id]?.status == .succeeded)
        #expect(outcomes[billing.id]?.eventType == "job.status")

        // The first delivery retried with an earlier clock must not take "last" back.
        try await queue.dbPool.write { db in
            try db.execute(sql: "UPDATE deliveries SET nextAttemptAt = ? WHERE id = ?", arguments: [start.timeIntervalSince1970, first[0]])
        }
        _ = try await attemptAll(queue, status: 502, at: start.addingTimeInterval(30), transition: .failed)
        #expect(try queue.lastOutcomeByWebhook()[billing.id]?.deliveryID == second.first)

        // Orders gets its own row; deleting Billing removes only Billing's.
        try queue.enqueue(NewMessage(eventType: "order.status", liveMode: true, body: body(), createdAt: start))
        _ = try await attemptAll(queue, status: nil, at: start.addingTimeInterval(90), transition: .failed, error: .refused)
        try store.delete(id: billing.id)
        outcomes = try queue.lastOutcomeByWebhook()
        #expect(outcomes.keys.sorted() == [orders.id])
        #expect(outcomes[orders.id]?.status == .failed)
        #expect(outcomes[orders.id]?.statusCode == nil)
        #expect(outcomes[orders.id]?.errorClass == .refused)
        #expect(outcomes[orders.id]?.error == "connection refused")
        #expect(try outcomes == groupedScan(queue))
        let rows = try store.listWithLastOutcome()
        #expect(rows.map(\.webhook.id) == [orders.id])
        #expect(rows.first?.lastOutcome == outcomes[orders.id])
        #expect(try queue.lastOutcome(webhookID: orders.id) == outcomes[orders.id])
        #expect(try queue.lastOutcome(webhookID: billing.id) == nil)
    }

    @Test("the dashboard stamp moves on every webhook change and attempt, and only then")
    func dashboardStamp() async throws {
        let folder = try TemporaryFolder()
        let path = folder.file("db.sqlite")
        let store = try WebhookStore.open(path: path)
        let queue = QueueStore(store.dbPool)
        // Another process's view of the same file.
        let other = QueueStore(try WebhookStore.open(path: path).dbPool)
        var stamps = [try other.dashboardStamp()]
        func expectMoved(_ what: String) throws {
            let stamp = try other.dashboardStamp()
            #expect(stamp != stamps.last, "\(what) did not move the stamp")
            stamps.append(stamp)
        }
        func expectStill(_ what: String) throws {
            #expect(try other.dashboardStamp() == stamps.last, "\(what) moved the stamp")
        }

        let webhook = try store.create(try validFields())
        try expectMoved("create")
        let edited = try store.update(id: webhook.id, expectedVersion: webhook.version, try validFields(name: "Renamed"))
        try expectMoved("edit")
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        try queue.enqueue(NewMessage(eventType: "job.status", liveMode: true, body: body(), createdAt: start))
        try expectStill("enqueue (no attempt yet)")
        _ = try await attemptAll(queue, status: 500, at: start, transition: .retry(at: start.addingTimeInterval(60)))
        try expectMoved("attempt")
        _ = try queue.queueStats()
        _ = try store.list()
        try expectStill("reading")
        try store.delete(id: edited.id)
        try expectMoved("delete")
        #expect(Set(stamps).count == stamps.count)
    }

    @Test("a removed delivery hands 'last' to the webhook's previous one")
    func removedDelivery() async throws {
        let folder = try TemporaryFolder()
        let store = try WebhookStore.open(path: folder.file("db.sqlite"))
        let queue = QueueStore(store.dbPool)
        let webhook = try store.create(try validFields())
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        try queue.enqueue(NewMessage(eventType: "job.status", liveMode: true, body: body(), createdAt: start))
        let older = try await attemptAll(queue, status: 200, at: start, transition: .succeeded)
        let newerMessage = try queue.enqueue(NewMessage(eventType: "job.status", liveMode: true, body: body(), createdAt: start))
        _ = try await attemptAll(queue, status: 503, at: start.addingTimeInterval(5), transition: .failed)
        #expect(try queue.lastOutcomeByWebhook()[webhook.id]?.statusCode == 503)

        try await queue.dbPool.write { db in
            try db.execute(sql: "DELETE FROM messages WHERE id = ?", arguments: [newerMessage.messageID])
        }
        #expect(try queue.lastOutcomeByWebhook()[webhook.id]?.deliveryID == older.first)
        #expect(try queue.lastOutcomeByWebhook() == groupedScan(queue))
    }

    @Test("upgrading a database made before the table fills it from the existing history")
    func migrationFillsTable() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("old.sqlite")
        // Schema as hookdash had it before v4-last-outcome, with history written straight in SQL.
        try Data().write(to: URL(fileURLWithPath: path))
        let pool = try DatabasePool(path: path)
        try Migrations.migrator.migrate(pool, upTo: QueueMigration.indexesName)
        let ids = ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002", "00000000-0000-4000-8000-000000000003"]
        try pool.write { db in
            for (index, id) in ids.enumerated() {
                try db.execute(sql: """
                    INSERT INTO webhooks (id, name, url, secret, events, active, createdAt, updatedAt, version)
                    VALUES (?, ?, 'https://example.com/', NULL, 'job.status', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 1)
                    """, arguments: [id, "Webhook \(index)"])
            }
            // Webhook 0: three deliveries, the middle one attempted last. Webhook 1: never
            // attempted. Webhook 2: one delivery. A deleted webhook's history stays out.
            let rows: [(delivery: String, webhook: String, at: Double?, status: String, code: Int?)] = [
                ("d1", ids[0], 100, "succeeded", 200), ("d2", ids[0], 300, "failed", 500), ("d3", ids[0], 200, "succeeded", 204),
                ("d4", ids[1], nil, "pending", nil), ("d5", ids[2], 50, "succeeded", 201),
                ("d6", "00000000-0000-4000-8000-00000000dead", 400, "succeeded", 200),
            ]
            for row in rows {
                try db.execute(sql: "INSERT INTO messages (id, eventType, liveMode, body, createdAt) VALUES (?, 'job.status', 1, x'7B7D', 1)",
                               arguments: ["m-" + row.delivery])
                try db.execute(sql: """
                    INSERT INTO deliveries (id, messageId, webhookId, status, trigger, attemptCount, lastStatusCode, lastAttemptAt, createdAt)
                    VALUES (?, ?, ?, ?, 'scheduled', 1, ?, ?, 1)
                    """, arguments: [row.delivery, "m-" + row.delivery, row.webhook, row.status, row.code, row.at])
            }
        }
        try pool.close()

        let store = try WebhookStore.open(path: path)
        let queue = QueueStore(store.dbPool)
        let outcomes = try queue.lastOutcomeByWebhook()
        #expect(outcomes.keys.sorted() == [ids[0], ids[2]])
        #expect(outcomes[ids[0]]?.deliveryID == "d2")
        #expect(outcomes[ids[0]]?.statusCode == 500)
        #expect(outcomes[ids[2]]?.deliveryID == "d5")
    }

    /// What the table must agree with: the latest attempted delivery per existing webhook,
    /// found the slow way.
    func groupedScan(_ queue: QueueStore) throws -> [String: DeliveryOutcome] {
        try queue.dbPool.read { db in
            var outcomes: [String: DeliveryOutcome] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT d.webhookId, d.id, d.status, d.lastStatusCode, d.lastError, d.lastAttemptAt, m.eventType,
                       (SELECT a.errorClass FROM attempts a WHERE a.deliveryId = d.id ORDER BY a.id DESC LIMIT 1)
                FROM deliveries d JOIN messages m ON m.id = d.messageId
                WHERE d.lastAttemptAt IS NOT NULL AND d.webhookId IN (SELECT id FROM webhooks)
                ORDER BY d.lastAttemptAt
                """) {
                outcomes[row[0]] = DeliveryOutcome(
                    deliveryID: row[1], status: DeliveryStatus(rawValue: row[2]) ?? .pending, statusCode: row[3],
                    error: row[4], attemptedAt: Date(timeIntervalSince1970: row[5]), eventType: row[6],
                    errorClass: (row[7] as String?).flatMap(AttemptErrorClass.init(rawValue:)))
            }
            return outcomes
        }
    }
}
