import GRDB

/// The details screen's search as SQL: which of one webhook's newest deliveries match what an
/// operator has in hand — the start of a message id (the `webhook-id` a receiver logged) or
/// delivery id, an HTTP status, words of the error, the event type, or anything in the
/// payload (a job or order id). Letters match in either case; `%` and `_` are themselves.
struct DeliverySearch {
    let needle: String

    /// Nil for text that is only spaces: no search at all.
    init?(_ text: String) {
        let needle = text.trimmingCharacters(in: .whitespaces)
        guard !needle.isEmpty else { return nil }
        self.needle = needle
    }

    /// A condition over `deliveries d JOIN messages m ON m.id = d.messageId`.
    func condition(webhookID: String, window: Int) -> (sql: String, arguments: StatementArguments) {
        let escaped = needle.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        let prefix = escaped + "%", anywhere = "%" + escaped + "%"
        return ("""
            d.rowid IN (SELECT rowid FROM deliveries WHERE webhookId = ? ORDER BY createdAt DESC, rowid DESC LIMIT ?)
            AND (d.messageId LIKE ? ESCAPE '\\' OR d.id LIKE ? ESCAPE '\\'
                 OR CAST(d.lastStatusCode AS TEXT) = ? OR d.lastError LIKE ? ESCAPE '\\'
                 OR m.eventType LIKE ? ESCAPE '\\' OR CAST(m.body AS TEXT) LIKE ? ESCAPE '\\')
            """, [webhookID, window, prefix, prefix, needle, anywhere, prefix, anywhere])
    }
}
