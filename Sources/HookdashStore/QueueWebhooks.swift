import Foundation
import GRDB
import HookdashDomain

/// The queue's read-only view of the webhooks table (owned by the webhook store).
enum QueueWebhooks {
    /// Ids of active webhooks subscribed to `eventType`.
    static func activeSubscribers(_ db: Database, eventType: String) throws -> [String] {
        guard let event = EventType(rawValue: eventType) else { return [] }
        var subscribers: [String] = []
        let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT id, events FROM webhooks WHERE active = 1 ORDER BY rowid"))
        while let row = try rows.next() {
            if WebhookRow.events(row[1]).contains(event) { subscribers.append(row[0]) }
        }
        return subscribers
    }

    /// The events a webhook subscribes to, or nil when there is no such webhook.
    static func subscribedEvents(_ db: Database, webhookID: String) throws -> [String]? {
        try String.fetchOne(db, sql: "SELECT events FROM webhooks WHERE id = ?", arguments: [webhookID])
            .map { WebhookRow.events($0).map(\.rawValue) }
    }
}
