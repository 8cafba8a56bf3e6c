import Foundation
import GRDB
import HookdashStore

/// A throwaway database with the queue schema for the benchmark.
struct BenchDatabase {
    let pool: DatabasePool

    static func open(path: String) throws -> BenchDatabase {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let pool = try DatabasePool(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-webhooks") { db in
            try db.execute(sql: """
                CREATE TABLE webhooks (id TEXT PRIMARY KEY, name TEXT NOT NULL, url TEXT NOT NULL, secret TEXT,
                    events TEXT NOT NULL, active INTEGER NOT NULL)
                """)
        }
        QueueMigration.register(in: &migrator)
        try migrator.migrate(pool)
        return BenchDatabase(pool: pool)
    }

    func addWebhook(url: String, secret: String) throws {
        try pool.write { db in
            try db.execute(
                sql: "INSERT INTO webhooks (id, name, url, secret, events, active) VALUES (?, 'bench', ?, ?, ?, 1)",
                arguments: [UUID().uuidString.lowercased(), url, secret, #"["job.status"]"#])
        }
    }
}
