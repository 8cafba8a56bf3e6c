import GRDB

extension Migrations {
    /// The delivery queue's tables, registered after the webhook table's migration.
    static func registerQueueMigrations(_ migrator: inout DatabaseMigrator) {
        QueueMigration.register(in: &migrator)
    }
}

extension WebhookStore {
    /// Runs inside the delete transaction: cancels the webhook's pending deliveries.
    static func afterDelete(_ db: Database, webhookID: String) throws {
        try QueueStore.cancelPendingDeliveries(db, webhookID: webhookID)
    }
}
