import Foundation
import GRDB

/// Zero-downtime secret rotation (Standard Webhooks): when a webhook's secret changes, the
/// old one keeps signing beside the new one for a day, so a receiver can switch to the new
/// secret at its own pace; every request meanwhile carries both `v1,` signatures.
public enum SecretRotation {
    public static let overlap: TimeInterval = 24 * 3600
    static let migrationName = "v6-secret-rotation"

    static func register(in migrator: inout DatabaseMigrator) {
        // Beside the secret, not in the SPEC's JSON form: export and import carry only the
        // current secret, and the old one simply stops signing when it expires.
        Migrations.registerColumnAddition(migrationName, in: &migrator, sql: """
            ALTER TABLE webhooks ADD COLUMN previousSecret TEXT;
            ALTER TABLE webhooks ADD COLUMN previousSecretUntil REAL;
            """)
    }

    /// Called inside the transaction that changes a webhook; returns until when which previous
    /// secrets sign after the change (`previousUntil` and `previousSecrets` when the secret
    /// did not change). No secret now means no signature at all (SPEC §3), so nothing old
    /// keeps signing either.
    ///
    /// Secrets that still sign from an earlier change keep signing too: a second change within
    /// the day (a typo noticed, say) stopped the first old secret at once, which receivers had
    /// been promised a day. Kept space-separated (secrets have no spaces), newest first, at most
    /// `mostKept`, all until a day after this change.
    @discardableResult
    static func secretChanged(
        _ db: Database, webhookID: String, from old: String?, to new: String?, previousUntil: Date?,
        previousSecrets: [String] = [], now: Date
    ) throws -> (until: Date?, secrets: [String]) {
        guard old != new else { return (previousUntil, previousSecrets) }
        guard let old, !old.isEmpty, let new, !new.isEmpty else {
            try db.execute(
                sql: "UPDATE webhooks SET previousSecret = NULL, previousSecretUntil = NULL WHERE id = ?", arguments: [webhookID])
            return (nil, [])
        }
        let stillSigning = try String.fetchOne(
            db, sql: "SELECT previousSecret FROM webhooks WHERE id = ? AND previousSecretUntil > ?",
            arguments: [webhookID, now.timeIntervalSince1970])
        var kept = [old]
        for secret in secrets(in: stillSigning) where secret != new && !kept.contains(secret) { kept.append(secret) }
        let until = now.addingTimeInterval(overlap)
        let signing = Array(kept.prefix(mostKept))
        try db.execute(
            sql: "UPDATE webhooks SET previousSecret = ?, previousSecretUntil = ? WHERE id = ?",
            arguments: [signing.joined(separator: " "), until.timeIntervalSince1970, webhookID])
        return (until, signing)
    }

    /// Old secrets signing at once: each adds a signature to every request.
    public static let mostKept = 3

    /// The secrets in a stored `previousSecret`, newest first.
    public static func secrets(in stored: String?) -> [String] {
        (stored ?? "").split(separator: " ").map(String.init)
    }
}
