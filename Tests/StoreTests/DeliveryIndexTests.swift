import Foundation
import GRDB
import Testing
@testable import HookdashStore

/// Every index on `deliveries` is paid for by every recorded attempt, so the set is pinned
/// here: adding one should be a decision, not an accident (see docs/performance.md).
@Suite("Delivery indexes")
struct DeliveryIndexTests {
    static let expected: Set<String> = [
        "deliveries_due", "deliveries_by_webhook", "deliveries_by_message", "deliveries_by_status_created",
        "deliveries_by_created", "deliveries_leased",
    ]

    func indexes(_ reader: some DatabaseReader) throws -> Set<String> {
        try reader.read { db in
            Set(try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deliveries' AND sql IS NOT NULL
                """))
        }
    }

    @Test("a new database has exactly the indexes its queries use")
    func newDatabase() throws {
        let folder = try TemporaryFolder()
        let store = try WebhookStore.open(path: folder.file("db.sqlite"))
        #expect(try indexes(store.dbPool) == Self.expected)
    }

    @Test("upgrading a v4 database drops the (webhookId, lastAttemptAt) index, adds v6's columns and keeps the history")
    func upgradeDropsIndex() async throws {
        let folder = try TemporaryFolder()
        let path = folder.file("v4.sqlite")
        try Data().write(to: URL(fileURLWithPath: path))
        let pool = try DatabasePool(path: path)
        try Migrations.migrator.migrate(pool, upTo: QueueMigration.lastOutcomeName)
        #expect(try indexes(pool) == Self.expected.subtracting(["deliveries_leased"]).union(["deliveries_last_attempt"]))
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO webhooks (id, name, url, secret, events, active, createdAt, updatedAt, version)
                VALUES ('w1', 'One', 'https://example.com/', NULL, 'job.status', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 1);
                INSERT INTO messages (id, eventType, liveMode, body, createdAt) VALUES ('m1', 'job.status', 1, x'7B7D', 1);
                INSERT INTO deliveries (id, messageId, webhookId, status, trigger, attemptCount, lastStatusCode, lastAttemptAt, createdAt)
                VALUES ('d1', 'm1', 'w1', 'succeeded', 'scheduled', 1, 200, 10, 1);
                """)
        }
        try pool.close()

        let store = try WebhookStore.open(path: path)
        #expect(try indexes(store.dbPool) == Self.expected)
        let queue = QueueStore(store.dbPool)
        #expect(try queue.delivery(id: "d1")?.status == .succeeded)
        #expect(try queue.lastOutcomeByWebhook()["w1"]?.deliveryID == "d1")
        // v6 added the rotation columns to the existing webhook, empty.
        let webhook = try #require(try store.webhook(id: "w1"))
        #expect(webhook.name == "One" && webhook.previousSecretUntil == nil)
    }
}
