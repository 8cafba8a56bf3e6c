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

    /// Called inside the transaction that changes a webhook; returns until when a previous
    /// secret signs after the change (`previousUntil` when the secret did not change). No
    /// secret now means no signature at all (SPEC §3), so nothing old keeps signing either.
    @discardableResult
    static func secretChanged(
        _ db: Database, webhookID: String, from old: String?, to new: String?, previousUntil: Date?, now: Date
    ) throws -> Date? {
        guard old != new else { return previousUntil }
        let kept = (old ?? "").isEmpty || (new ?? "").isEmpty ? nil : old
        let until = kept.map { _ in now.addingTimeInterval(overlap) }
        try db.execute(
            sql: "UPDATE webhooks SET previousSecret = ?, previousSecretUntil = ? WHERE id = ?",
            arguments: [kept, until?.timeIntervalSince1970, webhookID])
        return until
    }
}
