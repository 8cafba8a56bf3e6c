import Foundation
import GRDB
import HookdashDomain

/// Endpoints that fail for days are switched off, as webhook platforms do (Svix: every attempt
/// failing for 5 days): a dead endpoint otherwise collects retries forever and its failures
/// hide the ones that matter. Each webhook remembers when its current run of failed attempts
/// began; any answered attempt ends the run. When a failed attempt comes `disableAfter` or
/// more after the run began, the webhook is set inactive with a reason a person can read.
/// Setting it active again (or giving it another URL) starts afresh.
public enum FailureStreak {
    public static let defaultDisableAfter: TimeInterval = 5 * 24 * 3600
    static let migrationName = "v7-failure-streak"

    static func register(in migrator: inout DatabaseMigrator) {
        // Operational state, not part of the SPEC's JSON form (export and import skip it).
        Migrations.registerColumnAddition(migrationName, in: &migrator, sql: """
            ALTER TABLE webhooks ADD COLUMN failingSince REAL;
            ALTER TABLE webhooks ADD COLUMN disabledReason TEXT;
            """)
    }

    /// Called in the transaction that records an attempt to `webhookID`. Returns the reason
    /// when this attempt disabled the webhook. Only transitions write, so a healthy webhook's
    /// row (and the dashboard's revision) is not touched on every delivery.
    static func attemptRecorded(
        _ db: Database, webhookID: String, failed: Bool, at startedAt: Date, disableAfter: TimeInterval?
    ) throws -> String? {
        guard failed else {
            try db.cachedStatement(sql: "UPDATE webhooks SET failingSince = NULL WHERE id = ? AND failingSince IS NOT NULL")
                .execute(arguments: [webhookID])
            return nil
        }
        let time = startedAt.timeIntervalSince1970
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT failingSince, active FROM webhooks WHERE id = ?"), arguments: [webhookID])
        else { return nil }
        guard let since: Double = row["failingSince"] else {
            try db.cachedStatement(sql: "UPDATE webhooks SET failingSince = ? WHERE id = ?").execute(arguments: [time, webhookID])
            return nil
        }
        guard let disableAfter, row["active"] as Bool? == true, time - since >= disableAfter else { return nil }
        let reason = "every attempt failed for \(duration(time - since))"
        try disable(db, webhookID: webhookID, reason: reason, now: startedAt)
        return reason
    }

    /// Sets the webhook inactive as an edit would (new version and updatedAt, so open forms
    /// see it), saying why.
    /// Returns whether it did (false when the webhook was inactive already).
    @discardableResult
    static func disable(_ db: Database, webhookID: String, reason: String, now: Date) throws -> Bool {
        try db.execute(
            sql: """
                UPDATE webhooks SET active = 0, disabledReason = ?1, version = version + 1,
                    -- A later second than the last change's always (Timestamp.change).
                    updatedAt = CASE WHEN ?2 > updatedAt THEN ?2
                                     ELSE strftime('%Y-%m-%dT%H:%M:%SZ', updatedAt, '+1 second') END
                WHERE id = ?3 AND active = 1
                """,
            arguments: [reason, Timestamp.iso8601(now), webhookID])
        return db.changesCount > 0
    }

    /// An edit that makes the webhook active again or points it elsewhere ends its streak
    /// and clears the reason it was disabled; returns whether it did.
    @discardableResult
    static func edited(_ db: Database, webhookID: String, from old: Webhook, to new: Webhook) throws -> Bool {
        guard (new.active && !old.active) || new.url != old.url else { return false }
        try db.execute(
            sql: "UPDATE webhooks SET failingSince = NULL, disabledReason = NULL WHERE id = ?", arguments: [webhookID])
        return true
    }

    /// "5 days", "3 hours", "1 minute": the largest unit that gives at least one.
    static func duration(_ seconds: TimeInterval) -> String {
        let units: [(String, TimeInterval)] = [("day", 86_400), ("hour", 3600), ("minute", 60), ("second", 1)]
        let (name, size) = units.first { seconds >= $0.1 } ?? ("second", 1)
        let count = Int(seconds / size)
        return "\(count) \(name)\(count == 1 ? "" : "s")"
    }
}
