import Foundation
import GRDB

/// How a webhook's endpoint has been doing lately: what its attempts got back and how fast
/// it answered — what a webhook dashboard shows beside an endpoint.
public struct WebhookHealth: Sendable, Equatable {
    public let attempts: Int
    /// Attempts answered 2xx.
    public let succeeded: Int
    /// Attempts answered with another status.
    public let otherAnswers: Int
    /// Attempts with no answer at all (refused, timed out, TLS, DNS, SSRF).
    public let unanswered: Int
    /// Response times of the answered attempts, in milliseconds (nearest rank).
    public let medianMilliseconds: Int?
    public let p95Milliseconds: Int?

    public init(attempts: [(durationMilliseconds: Int, status: Int?)]) {
        self.attempts = attempts.count
        succeeded = attempts.filter { ($0.status ?? 0) / 100 == 2 }.count
        let answered = attempts.compactMap { $0.status == nil ? nil : $0.durationMilliseconds }.sorted()
        otherAnswers = answered.count - succeeded
        unanswered = attempts.count - answered.count
        medianMilliseconds = Self.nearestRank(0.5, of: answered)
        p95Milliseconds = Self.nearestRank(0.95, of: answered)
    }

    private static func nearestRank(_ fraction: Double, of sorted: [Int]) -> Int? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

extension QueueStore {
    /// The health of `webhookID`'s attempts started at or after `since`.
    public func health(webhookID: String, since: Date) throws -> WebhookHealth {
        try dbPool.read { db in
            // A delivery with an attempt in the window was last attempted in it: the
            // (webhookId, lastAttemptAt) index narrows the scan to those.
            let rows = try Row.fetchAll(
                db,
                // An answer whose head came but whose body did not end in time (or was cut
                // off) failed: it counts as no answer, not as the 200 its head said.
                sql: """
                    SELECT a.durationMs,
                           CASE WHEN a.errorClass IS NULL OR a.errorClass = 'redirect' THEN a.responseStatus END
                    FROM deliveries d JOIN attempts a ON a.deliveryId = d.id
                    WHERE d.webhookId = ? AND d.lastAttemptAt >= ? AND a.startedAt >= ?
                    """,
                arguments: [webhookID, since.timeIntervalSince1970, since.timeIntervalSince1970])
            return WebhookHealth(attempts: rows.map { (durationMilliseconds: $0[0], status: $0[1]) })
        }
    }
}
