import GRDB

/// The queue's tables: messages, their per-webhook deliveries and every attempt.
/// Times are unix seconds (REAL) so the injectable delivery clock compares them directly.
public enum QueueMigration {
    public static let name = "v2-queue"
    public static let indexesName = "v3-queue-indexes"
    public static let lastOutcomeName = "v4-last-outcome"
    public static let lighterWritesName = "v5-drop-last-attempt-index"
    public static let leasedIndexName = "v8-leased-deliveries-index"

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
        migrator.registerMigration(lastOutcomeName) { db in
            // The dashboard's "Last delivery" column for every webhook, at start-up and on each
            // change: a grouped scan of the deliveries took ~230 ms with a million attempts, and
            // joining back to them ~100 ms (random probes); a self-contained row per webhook
            // reads in a few. Triggers, not application code, keep it, so every writer
            // (console, `serve`, CLI, any process) keeps it true.
            // The attempt row is written before the delivery row is updated, so the latest
            // attempt's error class is already there when the trigger runs.
            func latestErrorClass(of delivery: String) -> String {
                "(SELECT errorClass FROM attempts WHERE deliveryId = \(delivery) ORDER BY id DESC LIMIT 1)"
            }
            let upsert = """
                INSERT INTO webhook_last_outcome (webhookId, deliveryId, status, statusCode, error, errorClass, attemptedAt, eventType)
                VALUES (NEW.webhookId, NEW.id, NEW.status, NEW.lastStatusCode, NEW.lastError,
                        \(latestErrorClass(of: "NEW.id")), NEW.lastAttemptAt,
                        (SELECT eventType FROM messages WHERE id = NEW.messageId))
                ON CONFLICT (webhookId) DO UPDATE SET
                    deliveryId = excluded.deliveryId, status = excluded.status, statusCode = excluded.statusCode,
                    error = excluded.error, errorClass = excluded.errorClass, attemptedAt = excluded.attemptedAt,
                    eventType = excluded.eventType
                WHERE excluded.attemptedAt >= webhook_last_outcome.attemptedAt;
                """
            try db.execute(sql: """
                CREATE TABLE webhook_last_outcome (
                    webhookId TEXT PRIMARY KEY NOT NULL,
                    deliveryId TEXT NOT NULL,
                    -- The delivery's status right after that attempt (pending while retrying).
                    status TEXT NOT NULL,
                    statusCode INTEGER,
                    error TEXT,
                    -- The latest attempt's error class (timeout, refused, tls, …); NULL when it had none.
                    errorClass TEXT,
                    attemptedAt REAL NOT NULL,
                    eventType TEXT NOT NULL
                ) WITHOUT ROWID;
                -- The latest attempt time per webhook first (the (webhookId, lastAttemptAt) index),
                -- then one row each: a few hundred milliseconds for a million attempts, where
                -- upserting every attempted delivery in time order took seconds.
                INSERT INTO webhook_last_outcome (webhookId, deliveryId, status, statusCode, error, errorClass, attemptedAt, eventType)
                    SELECT d.webhookId, d.id, d.status, d.lastStatusCode, d.lastError, \(latestErrorClass(of: "d.id")), d.lastAttemptAt, m.eventType
                    FROM (
                        SELECT webhookId, MAX(lastAttemptAt) AS at FROM deliveries
                        WHERE lastAttemptAt IS NOT NULL GROUP BY webhookId
                    ) AS latest
                    JOIN deliveries d ON d.webhookId = latest.webhookId AND d.lastAttemptAt = latest.at
                    JOIN messages m ON m.id = d.messageId
                    WHERE d.webhookId IN (SELECT id FROM webhooks)
                    -- Two deliveries attempted in the same instant: either is "last".
                    ON CONFLICT (webhookId) DO NOTHING;
                CREATE TRIGGER deliveries_attempted AFTER UPDATE OF lastAttemptAt ON deliveries
                WHEN NEW.lastAttemptAt IS NOT NULL
                BEGIN \(upsert) END;
                CREATE TRIGGER deliveries_inserted_attempted AFTER INSERT ON deliveries
                WHEN NEW.lastAttemptAt IS NOT NULL
                BEGIN \(upsert) END;
                -- A removed delivery hands "last" to the webhook's next latest one.
                CREATE TRIGGER deliveries_removed AFTER DELETE ON deliveries
                WHEN OLD.id = (SELECT deliveryId FROM webhook_last_outcome WHERE webhookId = OLD.webhookId)
                BEGIN
                    DELETE FROM webhook_last_outcome WHERE webhookId = OLD.webhookId;
                    INSERT INTO webhook_last_outcome (webhookId, deliveryId, status, statusCode, error, errorClass, attemptedAt, eventType)
                    SELECT d.webhookId, d.id, d.status, d.lastStatusCode, d.lastError, \(latestErrorClass(of: "d.id")), d.lastAttemptAt, m.eventType
                    FROM deliveries d JOIN messages m ON m.id = d.messageId
                    WHERE d.webhookId = OLD.webhookId AND d.lastAttemptAt IS NOT NULL
                    ORDER BY d.lastAttemptAt DESC LIMIT 1;
                END;
                CREATE TRIGGER webhooks_removed AFTER DELETE ON webhooks
                BEGIN
                    DELETE FROM webhook_last_outcome WHERE webhookId = OLD.id;
                END;
                -- One number that moves whenever the dashboard's rows would change other than
                -- by a new attempt (attempts have their own increasing id), so a console polling
                -- every half second reads one row, not 10,000 webhooks, to learn nothing changed.
                CREATE TABLE dashboard_revision (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    revision INTEGER NOT NULL
                );
                INSERT INTO dashboard_revision (id, revision) VALUES (1, 0);
                CREATE TRIGGER webhooks_inserted_revision AFTER INSERT ON webhooks
                BEGIN UPDATE dashboard_revision SET revision = revision + 1; END;
                CREATE TRIGGER webhooks_updated_revision AFTER UPDATE ON webhooks
                BEGIN UPDATE dashboard_revision SET revision = revision + 1; END;
                CREATE TRIGGER webhooks_deleted_revision AFTER DELETE ON webhooks
                BEGIN UPDATE dashboard_revision SET revision = revision + 1; END;
                CREATE TRIGGER last_outcome_removed_revision AFTER DELETE ON webhook_last_outcome
                BEGIN UPDATE dashboard_revision SET revision = revision + 1; END;
                """)
        }
        migrator.registerMigration(lighterWritesName) { db in
            // (webhookId, lastAttemptAt) served "Last delivery" until v4 gave it a table. Since
            // then only v4's one-time fill (which runs before this) and the trigger for a
            // deleted delivery — which hookdash never deletes — read it, while every recorded
            // attempt moved its entry: dropping it cut the store's CPU per delivery by 11–22 %
            // (`hookdash-bench queue-cycle`). A deleted "last" delivery now makes the trigger
            // scan that webhook's deliveries through deliveries_by_webhook instead.
            try db.execute(sql: "DROP INDEX IF EXISTS deliveries_last_attempt")
        }
    }

    /// Registered after v7 (`FailureStreak`): migrations run in the order they were added.
    public static func registerLeasedIndex(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration(leasedIndexName) { db in
            // Every claim counts the leases other processes hold, so the per-endpoint limit
            // holds across processes on one file. Only deliveries in flight carry an owner, a
            // few dozen rows, so this index stays tiny however long the queue grows.
            try db.execute(sql: "CREATE INDEX deliveries_leased ON deliveries(leaseOwner) WHERE leaseOwner IS NOT NULL")
        }
    }
}
