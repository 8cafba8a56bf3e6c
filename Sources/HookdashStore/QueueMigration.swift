import GRDB

/// The queue's tables: messages, their per-webhook deliveries and every attempt.
/// Times are unix seconds (REAL) so the injectable delivery clock compares them directly.
public enum QueueMigration {
    public static let name = "v2-queue"
    public static let indexesName = "v3-queue-indexes"

    public static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration(name) { db in
            try db.execute(sql: """
                CREATE TABLE messages (
                    id TEXT PRIMARY KEY NOT NULL,
                    eventType TEXT NOT NULL,
                    liveMode INTEGER NOT NULL,
                    body BLOB NOT NULL,
                    createdAt REAL NOT NULL
                );
                -- No foreign key to webhooks: history outlives a deleted webhook.
                CREATE TABLE deliveries (
                    id TEXT PRIMARY KEY NOT NULL,
                    messageId TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
                    webhookId TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('pending','succeeded','failed','cancelled')),
                    trigger TEXT NOT NULL CHECK (trigger IN ('scheduled','manual','test')),
                    attemptCount INTEGER NOT NULL DEFAULT 0,
                    nextAttemptAt REAL,
                    leaseOwner TEXT,
                    leaseExpiresAt REAL,
                    lastStatusCode INTEGER,
                    lastError TEXT,
                    lastAttemptAt REAL,
                    createdAt REAL NOT NULL
                );
                CREATE INDEX deliveries_due ON deliveries(status, nextAttemptAt);
                CREATE INDEX deliveries_by_webhook ON deliveries(webhookId, createdAt);
                CREATE INDEX deliveries_last_attempt ON deliveries(webhookId, lastAttemptAt);
                CREATE INDEX deliveries_by_message ON deliveries(messageId);
                CREATE INDEX deliveries_by_status_created ON deliveries(status, createdAt);
                CREATE TABLE attempts (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    deliveryId TEXT NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
                    number INTEGER NOT NULL,
                    trigger TEXT NOT NULL,
                    startedAt REAL NOT NULL,
                    durationMs INTEGER NOT NULL,
                    requestUrl TEXT NOT NULL,
                    requestHeaders TEXT NOT NULL,
                    responseStatus INTEGER,
                    responseHeaders TEXT NOT NULL,
                    responseBody BLOB,
                    errorClass TEXT,
                    errorText TEXT
                );
                CREATE INDEX attempts_by_delivery ON attempts(deliveryId, id);
                """)
        }
        migrator.registerMigration(indexesName) { db in
            // `hookdash deliveries` without filters lists newest first across all webhooks.
            try db.execute(sql: "CREATE INDEX deliveries_by_created ON deliveries(createdAt)")
        }
    }
}
