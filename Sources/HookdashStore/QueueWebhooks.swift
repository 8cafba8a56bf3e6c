import Foundation
import GRDB

/// The queue's read-only view of the webhooks table (owned by the webhook store).
enum QueueWebhooks {
    /// Ids of active webhooks subscribed to `eventType`.
    static func activeSubscribers(_ db: Database, eventType: String) throws -> [String] {
        var subscribers: [String] = []
        let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT id, events FROM webhooks WHERE active = 1 ORDER BY rowid"))
        while let row = try rows.next() {
            let stored: String? = row[1]
            // Decoding every webhook's list for every emit dominated fan-out with many
            // webhooks; a list that does not even mention the event cannot subscribe to it.
            guard let stored, stored.contains(eventType) else { continue }
            if events(in: stored).contains(eventType) { subscribers.append(row[0]) }
        }
        return subscribers
    }

    /// The events a webhook subscribes to, or nil when there is no such webhook.
    static func subscribedEvents(_ db: Database, webhookID: String) throws -> [String]? {
        try Row.fetchOne(db, sql: "SELECT events FROM webhooks WHERE id = ?", arguments: [webhookID])
            .map { events(in: $0["events"]) }
    }

    /// Events are stored as a JSON array of event names; a comma-separated list is accepted too.
    static func events(in stored: String?) -> [String] {
        guard let stored else { return [] }
        if let names = try? JSONDecoder().decode([String].self, from: Data(stored.utf8)) { return names }
        return stored.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
    }
}
