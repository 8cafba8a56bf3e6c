import GRDB

/// Versioned schema. Never edit a registered migration: add a new one after it.
enum Migrations {
    /// `PRAGMA application_id` of every hookdash database ("HKDS"), which tells it apart from
    /// other SQLite files before anything is written.
    static let applicationID: Int32 = 0x484B_4453

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-webhooks") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.create(table: "webhooks") { table in
                table.column("id", .text).primaryKey()
                table.column("name", .text).notNull()
                table.column("url", .text).notNull()
                table.column("secret", .text)
                // Event names joined by commas, in catalogue order.
                table.column("events", .text).notNull()
                table.column("active", .boolean).notNull()
                table.column("createdAt", .text).notNull()
                table.column("updatedAt", .text).notNull()
                table.column("version", .integer).notNull().defaults(to: 1)
            }
            try db.create(index: "webhooks_createdAt", on: "webhooks", columns: ["createdAt"])
        }
        QueueMigration.register(in: &migrator)
        SecretRotation.register(in: &migrator)
        FailureStreak.register(in: &migrator)
        QueueMigration.registerLeasedIndex(in: &migrator)
        return migrator
    }

    static var knownIdentifiers: Set<String> { Set(migrator.migrations) }

    /// A migration that only adds columns. Adding columns cannot break a foreign key, so it
    /// checks them immediately: GRDB's default deferred check would scan every delivery and
    /// attempt (seconds on a database with a million attempts).
    static func registerColumnAddition(_ name: String, in migrator: inout DatabaseMigrator, sql: String) {
        migrator.registerMigration(name, foreignKeyChecks: .immediate) { db in try db.execute(sql: sql) }
    }
}
