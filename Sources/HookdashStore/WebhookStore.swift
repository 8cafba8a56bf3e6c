import Foundation
import GRDB
import HookdashDomain

/// Webhook records in SQLite: create, read, list, optimistic update, delete, import.
public final class WebhookStore: Sendable {
    public let path: String
    public let dbPool: DatabasePool

    init(path: String, dbPool: DatabasePool) {
        self.path = path
        self.dbPool = dbPool
    }

    /// Opens the database at `path`, creating it (folder 0700, file 0600) when missing.
    public static func open(path: String) throws -> WebhookStore {
        WebhookStore(path: path, dbPool: try DatabaseOpener.open(path: path))
    }

    /// Opens for reading only, leaving the file byte-for-byte as it was (falls back to
    /// `open(path:)` when the database does not exist yet or needs migrating).
    public static func openForReading(path: String) throws -> WebhookStore {
        if let pool = try DatabaseOpener.openReadOnly(path: path) { return WebhookStore(path: path, dbPool: pool) }
        return try open(path: path)
    }

    /// Oldest first.
    public func list() throws -> [Webhook] {
        try listWithLastOutcome().map(\.webhook)
    }

    /// Oldest first, each with its latest attempted delivery (the dashboard's rows). One
    /// query joining the row per webhook that the v4-last-outcome triggers keep: with 10,000
    /// webhooks a separate outcome read plus a dictionary lookup per webhook cost ~25 ms more.
    /// Columns are read by position, not through Codable, whose per-row cost was most of the
    /// console's start-up.
    public func listWithLastOutcome(limit: Int? = nil) throws -> [(webhook: Webhook, lastOutcome: DeliveryOutcome?)] {
        try run {
            try dbPool.read { db in
                let statement = try db.cachedStatement(sql: """
                    SELECT w.id, w.name, w.url, w.secret, w.events, w.active, w.createdAt, w.updatedAt, w.version,
                           o.deliveryId, o.status, o.statusCode, o.error, o.attemptedAt, o.eventType, o.errorClass,
                           w.previousSecretUntil, w.disabledReason, w.previousSecret
                    FROM webhooks w LEFT JOIN webhook_last_outcome o ON o.webhookId = w.id
                    ORDER BY w.createdAt, w.rowid
                    LIMIT ?
                    """)
                var rows: [(webhook: Webhook, lastOutcome: DeliveryOutcome?)] = []
                if let limit { rows.reserveCapacity(limit) }
                let cursor = try Row.fetchCursor(statement, arguments: [limit ?? -1])
                let column = ColumnReader(statement: statement.sqliteStatement)
                let now = Date().timeIntervalSince1970
                while try cursor.next() != nil {
                    var webhook = Webhook(
                        id: column.string(0), name: column.string(1), url: column.string(2), secret: column.optionalString(3),
                        events: WebhookRow.events(column.string(4)), active: column.bool(5),
                        createdAt: WebhookRow.date(column.string(6)), updatedAt: WebhookRow.date(column.string(7)),
                        version: column.int(8))
                    if let until = column.optionalDouble(16), until > now {
                        webhook.previousSecretUntil = Date(timeIntervalSince1970: until)
                        webhook.previousSecrets = SecretRotation.secrets(in: column.optionalString(18))
                    }
                    webhook.disabledReason = column.optionalString(17)
                    rows.append((webhook, column.outcome(from: 9)))
                }
                return rows
            }
        }
    }

    public func webhook(id: String) throws -> Webhook? {
        try run {
            try dbPool.read { db in
                try Self.webhooks(db, sql: "SELECT * FROM webhooks WHERE id = ?", arguments: [id], now: Date()).first
            }
        }
    }

    /// Rows of `webhooks`, each with when its previous secret stops signing (if one still
    /// does) read from the same row.
    static func webhooks(_ db: Database, sql: String, arguments: StatementArguments, now: Date) throws -> [Webhook] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            var webhook = try WebhookRow(row: row).webhook
            if let until: Double = row["previousSecretUntil"], until > now.timeIntervalSince1970 {
                webhook.previousSecretUntil = Date(timeIntervalSince1970: until)
                webhook.previousSecrets = SecretRotation.secrets(in: row["previousSecret"])
            }
            webhook.disabledReason = row["disabledReason"]
            return webhook
        }
    }

    /// The webhook whose id is `id` or, when unambiguous, starts with `id` (as tables show
    /// shortened ids).
    public static let shortestPrefix = 4

    public func webhook(idOrPrefix id: String) throws -> Webhook {
        if let exact = try webhook(id: id) { return exact }
        let lowered = id.lowercased()
        guard lowered.count >= Self.shortestPrefix else { throw StoreError.notFound(id: id) }
        let matches = try run {
            try dbPool.read { db in
                try Self.webhooks(
                    db, sql: "SELECT * FROM webhooks WHERE substr(id, 1, ?) = ? ORDER BY id LIMIT 3",
                    arguments: [lowered.count, lowered], now: Date())
            }
        }
        switch matches.count {
        case 0: throw StoreError.notFound(id: id)
        case 1: return matches[0]
        default: throw StoreError.ambiguous(prefix: id, matches: matches.prefix(2).map(\.id), more: matches.count > 2)
        }
    }

    @discardableResult
    public func create(_ fields: ValidWebhook, id: String = WebhookID.generate(), now: Date = Timestamp.now()) throws -> Webhook {
        let webhook = Webhook(
            id: id, name: fields.name, url: fields.url, secret: fields.secret, events: fields.events,
            active: fields.active, createdAt: now, updatedAt: now, version: 1)
        try run { try dbPool.write { db in try WebhookRow(webhook).insert(db) } }
        return webhook
    }

    /// Saves `fields` only if the record is still at `expectedVersion`: another operator's
    /// change is never silently overwritten.
    @discardableResult
    public func update(id: String, expectedVersion: Int, _ fields: ValidWebhook, now: Date = Timestamp.now()) throws -> Webhook {
        try run {
            try dbPool.write { db in
                guard let current = try Self.webhooks(db, sql: "SELECT * FROM webhooks WHERE id = ?", arguments: [id], now: now).first
                else { throw StoreError.notFound(id: id) }
                guard current.version == expectedVersion else { throw StoreError.stale(id: id) }
                var updated = current.with(fields)
                updated.updatedAt = Timestamp.change(at: now, after: max(current.updatedAt, current.createdAt))
                updated.version = current.version + 1
                try WebhookRow(updated).update(db)
                (updated.previousSecretUntil, updated.previousSecrets) = try SecretRotation.secretChanged(
                    db, webhookID: id, from: current.secret, to: updated.secret, previousUntil: current.previousSecretUntil,
                    previousSecrets: current.previousSecrets, now: now)
                if try FailureStreak.edited(db, webhookID: id, from: current, to: updated) { updated.disabledReason = nil }
                return updated
            }
        }
    }

    /// Removes the webhook; deliveries still pending for it are cancelled in the same transaction.
    @discardableResult
    public func delete(id: String) throws -> Webhook {
        try run {
            try dbPool.write { db in
                guard let current = try WebhookRow.fetchOne(db, key: id)?.webhook else { throw StoreError.notFound(id: id) }
                try WebhookRow.deleteOne(db, key: id)
                try QueueStore.cancelPendingDeliveries(db, webhookID: id)
                return current
            }
        }
    }

    public struct ImportSummary: Sendable, Equatable {
        public var created = 0
        public var updated = 0
        public var unchanged = 0
    }

    /// All-or-nothing: one transaction; ids already present are updated, others created.
    /// An entry that would change a webhook edited after the entry's `updatedAt` (the file is
    /// older than the database) refuses the whole import unless `overwritingNewer`: an old
    /// backup re-imported silently undid an operator's later edit.
    public func importWebhooks(
        _ entries: [ImportedWebhook], overwritingNewer: Bool = false, now: Date = Timestamp.now()
    ) throws -> ImportSummary {
        try run {
            try dbPool.write { db in
                var summary = ImportSummary()
                var newer: [String] = []
                for entry in entries {
                    let fields = entry.fields
                    if let id = entry.id, let existing = try WebhookRow.fetchOne(db, key: id)?.webhook {
                        var updated = existing.with(fields)
                        if entry.omitsSecret { updated.secret = existing.secret }
                        if entry.omitsActive { updated.active = existing.active }
                        if updated == existing {
                            summary.unchanged += 1
                            continue
                        }
                        if !overwritingNewer, let taken = entry.updatedAt, existing.updatedAt > taken {
                            newer.append("\(existing.id.prefix(8)) (\(existing.name))")
                        }
                        // Changed now, by this import (the file's updatedAt may predate the
                        // stored createdAt).
                        updated.updatedAt = Timestamp.change(at: now, after: max(existing.updatedAt, existing.createdAt))
                        updated.version = existing.version + 1
                        try WebhookRow(updated).update(db)
                        try SecretRotation.secretChanged(
                            db, webhookID: existing.id, from: existing.secret, to: updated.secret, previousUntil: nil, now: now)
                        try FailureStreak.edited(db, webhookID: existing.id, from: existing, to: updated)
                        summary.updated += 1
                    } else {
                        let createdAt = entry.createdAt ?? now
                        let webhook = Webhook(
                            id: entry.id ?? WebhookID.generate(), name: fields.name, url: fields.url,
                            secret: fields.secret, events: fields.events, active: fields.active,
                            createdAt: createdAt, updatedAt: entry.updatedAt ?? createdAt, version: 1)
                        try WebhookRow(webhook).insert(db)
                        summary.created += 1
                    }
                }
                // Thrown from the transaction, so it rolls back whatever the loop wrote.
                if !newer.isEmpty { throw StoreError.importOverNewer(newer) }
                return summary
            }
        }
    }

    public func count() throws -> Int {
        try run { try dbPool.read { db in try WebhookRow.fetchCount(db) } }
    }

    /// Every webhook's name and URL, and nothing else: what the console's column widths need
    /// before it has read the rows themselves.
    public func namesAndURLs() throws -> [(name: String, url: String)] {
        try run {
            try dbPool.read { db in
                try Row.fetchAll(db, sql: "SELECT name, url FROM webhooks").map { ($0[0], $0[1]) }
            }
        }
    }

    /// Turns SQLite errors into StoreError so callers have one error type with a clear message.
    func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            // Trouble with the file (a full disk, a lock held too long, damage) is worded in
            // one place, alike for every command: `create` said "database error: …" where
            // `emit` said what was left unchanged and what to do.
            if DatabaseTrouble(error) != nil { throw error }
            throw StoreError.database(reason: error.message ?? error.description)
        }
    }
}

/// Reads the current row's columns through GRDB's concrete per-type initialisers: the generic
/// `row[index]` subscript cost ~0.25 µs per column, 40 ms for the dashboard's 10,000 rows.
struct ColumnReader {
    let statement: SQLiteStatement

    func string(_ index: CInt) -> String { String(sqliteStatement: statement, index: index) }
    func int(_ index: CInt) -> Int { Int(sqliteStatement: statement, index: index) ?? 0 }
    func bool(_ index: CInt) -> Bool { Bool(sqliteStatement: statement, index: index) }
    func double(_ index: CInt) -> Double { Double(sqliteStatement: statement, index: index) }

    func optionalString(_ index: CInt) -> String? {
        String.fromDatabaseValue(DatabaseValue(sqliteStatement: statement, index: index))
    }

    func optionalInt(_ index: CInt) -> Int? {
        Int.fromDatabaseValue(DatabaseValue(sqliteStatement: statement, index: index))
    }

    func optionalDouble(_ index: CInt) -> Double? {
        Double.fromDatabaseValue(DatabaseValue(sqliteStatement: statement, index: index))
    }

    /// A `webhook_last_outcome` row selected as deliveryId, status, statusCode, error,
    /// attemptedAt, eventType, errorClass from column `first` on; nil when deliveryId is NULL
    /// (a LEFT JOIN that found none).
    func outcome(from first: CInt) -> DeliveryOutcome? {
        optionalString(first).map { deliveryID in
            DeliveryOutcome(
                deliveryID: deliveryID, status: DeliveryStatus(rawValue: string(first + 1)) ?? .pending,
                statusCode: optionalInt(first + 2), error: optionalString(first + 3),
                attemptedAt: Date(timeIntervalSince1970: double(first + 4)), eventType: string(first + 5),
                errorClass: optionalString(first + 6).flatMap(AttemptErrorClass.init(rawValue:)))
        }
    }
}

/// The `webhooks` table's row.
struct WebhookRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "webhooks"

    var id: String
    var name: String
    var url: String
    var secret: String?
    var events: String
    var active: Bool
    var createdAt: String
    var updatedAt: String
    var version: Int

    init(_ webhook: Webhook) {
        id = webhook.id
        name = webhook.name
        url = webhook.url
        secret = webhook.secret
        events = webhook.events.map(\.rawValue).joined(separator: ",")
        active = webhook.active
        createdAt = Timestamp.iso8601(webhook.createdAt)
        updatedAt = Timestamp.iso8601(webhook.updatedAt)
        version = webhook.version
    }

    var webhook: Webhook {
        Webhook(
            id: id, name: name, url: url, secret: secret, events: Self.events(events), active: active,
            createdAt: Self.date(createdAt), updatedAt: Self.date(updatedAt), version: version)
    }

    /// The one reader of the `events` column, for the dashboard and for fan-out. Every
    /// webhook stores one of a handful of lists; splitting by Character was two thirds of
    /// `list()` with 10,000 webhooks, so known lists come from a table. Anything else (a list
    /// edited by hand: spaces after commas, or a JSON array) is split on those characters.
    static func events(_ column: String) -> [EventType] {
        if let known = knownEventLists[column] { return known }
        let separators: Set<UInt8> = [UInt8(ascii: ","), UInt8(ascii: " "), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "\"")]
        return column.utf8.split(whereSeparator: separators.contains)
            .compactMap { EventType(rawValue: String(decoding: $0, as: UTF8.self)) }
    }

    private static let knownEventLists: [String: [EventType]] = {
        var lists: [String: [EventType]] = [:]
        let all = EventType.allCases
        // Every non-empty subset in catalogue order, as `WebhookRow.init` joins them.
        for mask in 1..<(1 << all.count) {
            let subset = all.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element)
            lists[subset.map(\.rawValue).joined(separator: ",")] = subset
        }
        return lists
    }()

    static func date(_ column: String) -> Date {
        Timestamp.parse(column) ?? Date(timeIntervalSince1970: 0)
    }
}
