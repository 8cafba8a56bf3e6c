import GRDB

extension Migrations {
    /// The delivery queue's tables; filled in by the delivery layer's migration(s).
    static func registerQueueMigrations(_ migrator: inout DatabaseMigrator) {}
}

extension WebhookStore {
    /// Runs inside the delete transaction: cancels the webhook's pending deliveries.
    static func afterDelete(_ db: Database, webhookID: String) throws {}
}
