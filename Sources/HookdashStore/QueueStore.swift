import Foundation
import GRDB
import Synchronization

/// A message to enqueue: the envelope is built here so its bytes are fixed once.
public struct NewMessage: Sendable {
    public let id: String
    public let eventType: String
    public let liveMode: Bool
    public let body: Data
    public let createdAt: Date

    /// Wraps `body` (a JSON object's bytes) in the SPEC §2 envelope with a fresh message id.
    public init(eventType: String, liveMode: Bool, body: Data, createdAt: Date, id: String = TimeOrderedID.make()) {
        self.id = id
        self.eventType = eventType
        self.liveMode = liveMode
        self.createdAt = createdAt
        self.body = DeliveryEnvelope.encode(
            eventType: eventType, liveMode: liveMode, messageID: id, timestamp: createdAt, body: body)
    }
}

public struct EnqueueResult: Sendable, Equatable {
    public let messageID: String
    public let deliveryIDs: [String]
}

public enum QueueError: Error, Equatable, CustomStringConvertible {
    case deliveryNotFound(String)
    case webhookNotFound(String)
    case deliveryInFlight(String)
    /// Inactive webhooks get nothing (SPEC §2), a redelivery included; `reason` when hookdash
    /// disabled it; `plainHTTP` when its URL is http://, which only development mode may save.
    case webhookInactive(String, reason: String?, plainHTTP: Bool = false)

    public var isInactiveWebhook: Bool {
        if case .webhookInactive = self { true } else { false }
    }

    public var description: String {
        switch self {
        case .deliveryNotFound(let id): "No delivery with id \(id)"
        case .webhookNotFound(let id): "Webhook \(id) no longer exists; there is nothing to send to"
        case .deliveryInFlight(let id): "Delivery \(id) is being sent right now; try again in a moment"
        case .webhookInactive(let id, let reason, let plainHTTP):
            "Webhook \(id.prefix(8)) is Inactive\(reason.map { " (disabled: \($0))" } ?? ""), so nothing is sent to it; "
                + "set it Active first (hookdash webhooks edit \(id.prefix(8)) --active\(plainHTTP ? " --dev" : ""))"
        }
    }
}

/// The durable delivery queue over the shared SQLite database.
public final class QueueStore: Sendable {
    public let dbPool: DatabasePool
    private let failedCount = Mutex<FailedCount?>(nil)

    public init(_ dbPool: DatabasePool) {
        self.dbPool = dbPool
    }

    // MARK: Enqueueing

    /// Stores the message and one due delivery per ACTIVE webhook subscribed to its event,
    /// in one transaction, before anything is sent.
    @discardableResult
    public func enqueue(_ message: NewMessage) throws -> EnqueueResult {
        try dbPool.write { db in
            let webhookIDs = try QueueWebhooks.activeSubscribers(db, eventType: message.eventType)
            try Self.insert(message, db)
            let ids = try webhookIDs.map { webhookID in
                try Self.insertDelivery(
                    db, messageID: message.id, webhookID: webhookID, trigger: .scheduled, due: message.createdAt)
            }
            return EnqueueResult(messageID: message.id, deliveryIDs: ids)
        }
    }

    /// One test message (`liveMode: false`, a realistic sample body) per event the webhook is
    /// subscribed to, due now. Sent even when the webhook is inactive: the operator asked.
    @discardableResult
    public func enqueueTest(webhookID: String, now: Date = Date()) throws -> [EnqueueResult] {
        try dbPool.write { db in
            guard let events = try QueueWebhooks.subscribedEvents(db, webhookID: webhookID) else {
                throw QueueError.webhookNotFound(webhookID)
            }
            return try events.map { eventType in
                let message = NewMessage(
                    eventType: eventType, liveMode: false,
                    body: DeliverySamples.testBody(eventType: eventType, now: now), createdAt: now)
                try Self.insert(message, db)
                let deliveryID = try Self.insertDelivery(
                    db, messageID: message.id, webhookID: webhookID, trigger: .test, due: now)
                return EnqueueResult(messageID: message.id, deliveryIDs: [deliveryID])
            }
        }
    }

    /// A new manual attempt of the same message id, due now.
    public func redeliver(deliveryID: String, now: Date = Date()) throws {
        try dbPool.write { db in
            guard let delivery = try Self.fetchDelivery(db, id: deliveryID) else {
                throw QueueError.deliveryNotFound(deliveryID)
            }
            if delivery.isInFlight(at: now) { throw QueueError.deliveryInFlight(deliveryID) }
            // A deleted webhook has no URL to send to (the delivery would wait forever); an
            // endpoint that said 410 Gone, or a webhook someone paused, gets nothing.
            try Self.requireActive(db, webhookID: delivery.webhookID)
            try db.execute(
                sql: "UPDATE deliveries SET \(Self.dueNowAsManualAttempt) WHERE id = ?",
                arguments: [now.timeIntervalSince1970, deliveryID])
        }
    }

    /// Throws unless the webhook exists (a deleted one has no URL to send to) and is active.
    private static func requireActive(_ db: Database, webhookID: String) throws {
        guard let state = try Row.fetchOne(
            db, sql: "SELECT active, disabledReason, url FROM webhooks WHERE id = ?", arguments: [webhookID])
        else { throw QueueError.webhookNotFound(webhookID) }
        guard state["active"] as Bool? != true else { return }
        let url: String = state["url"] ?? ""
        throw QueueError.webhookInactive(webhookID, reason: state["disabledReason"], plainHTTP: url.lowercased().hasPrefix("http:"))
    }

    /// How many active webhooks a message of `eventType` would be delivered to.
    public func activeSubscriberCount(eventType: String) throws -> Int {
        try dbPool.read { db in try QueueWebhooks.activeSubscribers(db, eventType: eventType).count }
    }

    /// Bulk redelivery leaves test events alone: each was one attempt someone watched, and
    /// sending them again with the real backlog once an endpoint recovers is noise (`r`, or
    /// `redeliver ID`, still resends one on purpose).
    static let liveMessage = "(SELECT liveMode FROM messages WHERE messages.id = deliveries.messageId) = 1"

    /// The SET clause of a redelivery (one argument: when it is due).
    private static let dueNowAsManualAttempt =
        "status = 'pending', trigger = 'manual', nextAttemptAt = ?, leaseOwner = NULL, leaseExpiresAt = NULL"

    /// A new manual attempt, due now, of every failed delivery (to one webhook, or to every
    /// webhook that still exists; created at or after `since`, when given); returns how many.
    /// Deliveries to deleted webhooks stay failed: there is no URL to send them to.
    /// `matching` narrows one webhook's to those its details' search shows — every one of
    /// them in its window, not only the page on screen.
    @discardableResult
    public func redeliverFailed(
        webhookID: String?, since: Date? = nil, matching text: String = "", window: Int = searchWindow, now: Date = Date()
    ) throws -> Int {
        try dbPool.write { db in
            if let webhookID { try Self.requireActive(db, webhookID: webhookID) }
            var arguments: StatementArguments = [now.timeIntervalSince1970, webhookID, webhookID, since?.timeIntervalSince1970 ?? 0]
            var searched = ""
            if let webhookID, let search = DeliverySearch(text) {
                let (condition, searchArguments) = search.condition(webhookID: webhookID, window: window)
                searched = "AND id IN (SELECT d.id FROM deliveries d JOIN messages m ON m.id = d.messageId WHERE \(condition))"
                arguments += searchArguments
            }
            try db.execute(
                sql: """
                    UPDATE deliveries SET \(Self.dueNowAsManualAttempt)
                    WHERE status = 'failed' AND (? IS NULL OR webhookId = ?) AND createdAt >= ?
                      AND webhookId IN (SELECT id FROM webhooks WHERE active = 1) AND \(Self.liveMessage) \(searched)
                    """,
                arguments: arguments)
            return db.changesCount
        }
    }

    /// Failed deliveries (created at or after `since`) that `redeliverFailed(webhookID: nil)`
    /// leaves alone because their webhook is Inactive.
    public func failedToInactiveWebhooks(since: Date? = nil) throws -> Int {
        try dbPool.read { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM deliveries
                WHERE status = 'failed' AND createdAt >= ? AND webhookId IN (SELECT id FROM webhooks WHERE active = 0)
                  AND \(Self.liveMessage)
                """, arguments: [since?.timeIntervalSince1970 ?? 0]) ?? 0
        }
    }

    /// How many deliveries `redeliverFailed(webhookID:matching:window:)` would try again now.
    public func failedCount(webhookID: String, matching text: String = "", window: Int = searchWindow) throws -> Int {
        try dbPool.read { db in
            guard let search = DeliverySearch(text) else {
                return try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM deliveries WHERE webhookId = ? AND status = 'failed' AND \(Self.liveMessage)",
                    arguments: [webhookID]) ?? 0
            }
            let (condition, arguments) = search.condition(webhookID: webhookID, window: window)
            return try Int.fetchOne(db, sql: """
                SELECT count(*) FROM deliveries d JOIN messages m ON m.id = d.messageId
                WHERE d.status = 'failed' AND m.liveMode = 1 AND \(condition)
                """, arguments: arguments) ?? 0
        }
    }

    /// Cancels what is still pending for a webhook; the webhook delete path calls this in its transaction.
    public static func cancelPendingDeliveries(_ db: Database, webhookID: String) throws {
        try db.execute(
            sql: """
                UPDATE deliveries SET status = 'cancelled', nextAttemptAt = NULL, leaseOwner = NULL, leaseExpiresAt = NULL
                WHERE webhookId = ? AND status = 'pending'
                """,
            arguments: [webhookID])
    }

    // MARK: Reading (console and CLI)

    /// Newest first.
    public func deliveries(webhookID: String, limit: Int = 50) throws -> [DeliveryRecord] {
        try deliveries(webhookID: webhookID, status: nil, limit: limit)
    }

    /// Up to 3 webhook ids starting with `prefix` that deliveries name, deleted webhooks' too
    /// (their history stays): one index seek per id, however many deliveries each has.
    public func webhookIDsWithDeliveries(prefix: String) throws -> [String] {
        let lowered = prefix.lowercased()
        guard lowered.count >= WebhookStore.shortestPrefix else { return [] }
        return try dbPool.read { db in
            var ids: [String] = []
            while ids.count < 3 {
                let next = try String.fetchOne(
                    db, sql: "SELECT webhookId FROM deliveries WHERE webhookId \(ids.isEmpty ? ">=" : ">") ? ORDER BY webhookId LIMIT 1",
                    arguments: [ids.last ?? lowered])
                guard let next, next.hasPrefix(lowered) else { break }
                ids.append(next)
            }
            return ids
        }
    }

    /// Newest first, optionally filtered; `since` keeps deliveries created at or after it;
    /// `messageID` (the `webhook-id` a receiver logged) finds one message's deliveries.
    public func deliveries(
        webhookID: String?, status: DeliveryStatus?, since: Date? = nil, messageID: String? = nil, limit: Int
    ) throws -> [DeliveryRecord] {
        try dbPool.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let messageID {
                conditions.append("d.messageId = ?")
                arguments += [messageID]
            }
            if let webhookID {
                conditions.append("d.webhookId = ?")
                arguments += [webhookID]
            }
            if let status {
                conditions.append("d.status = ?")
                arguments += [status.rawValue]
            }
            if let since {
                conditions.append("d.createdAt >= ?")
                arguments += [since.timeIntervalSince1970]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments += [limit]
            return try Row.fetchAll(
                db, sql: "\(Self.deliverySelect) \(filter) ORDER BY d.createdAt DESC, d.rowid DESC LIMIT ?",
                arguments: arguments
            ).map(Self.delivery(from:))
        }
    }

    /// How many of a webhook's newest deliveries a search reads: enough for days of a busy
    /// endpoint, few enough to search as the operator types.
    public static let searchWindow = 10_000

    /// One webhook's deliveries, newest first, among its newest `window`, that match `text`
    /// (`DeliverySearch` says how).
    public func deliveries(
        webhookID: String, status: DeliveryStatus?, matching text: String, window: Int = searchWindow, limit: Int
    ) throws -> [DeliveryRecord] {
        guard let search = DeliverySearch(text) else { return try deliveries(webhookID: webhookID, status: status, limit: limit) }
        let (condition, searchArguments) = search.condition(webhookID: webhookID, window: window)
        return try dbPool.read { db in
            var arguments = searchArguments
            var statusCondition = ""
            if let status {
                statusCondition = "AND d.status = ?"
                arguments += [status.rawValue]
            }
            arguments += [limit]
            return try Row.fetchAll(db, sql: """
                \(Self.deliverySelect) WHERE \(condition) \(statusCondition)
                ORDER BY d.createdAt DESC, d.rowid DESC LIMIT ?
                """, arguments: arguments).map(Self.delivery(from:))
        }
    }

    public func delivery(id: String) throws -> DeliveryRecord? {
        try dbPool.read { db in try Self.fetchDelivery(db, id: id) }
    }

    public func message(id: String) throws -> QueuedMessage? {
        try dbPool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM messages WHERE id = ?", arguments: [id]).map { row in
                QueuedMessage(
                    id: row["id"], eventType: row["eventType"], liveMode: row["liveMode"], body: row["body"],
                    createdAt: Date(timeIntervalSince1970: row["createdAt"]))
            }
        }
    }

    /// Oldest first.
    public func attempts(deliveryID: String) throws -> [AttemptRecord] {
        try dbPool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM attempts WHERE deliveryId = ? ORDER BY id", arguments: [deliveryID])
                .map(Self.attempt(from:))
        }
    }

    /// The webhook's latest attempted delivery.
    public func lastOutcome(webhookID: String) throws -> DeliveryOutcome? {
        try lastOutcomes(where: "WHERE webhookId = ?", arguments: [webhookID]).first?.value
    }

    /// The latest attempted delivery per webhook id: one scan of the row per webhook that the
    /// v4-last-outcome triggers keep.
    public func lastOutcomeByWebhook() throws -> [String: DeliveryOutcome] {
        try lastOutcomes(where: "", arguments: [])
    }

    private func lastOutcomes(where condition: String, arguments: StatementArguments) throws -> [String: DeliveryOutcome] {
        try dbPool.read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT webhookId, deliveryId, status, statusCode, error, attemptedAt, eventType, errorClass
                FROM webhook_last_outcome \(condition)
                """)
            let cursor = try Row.fetchCursor(statement, arguments: arguments)
            let column = ColumnReader(statement: statement.sqliteStatement)
            var outcomes: [String: DeliveryOutcome] = [:]
            while try cursor.next() != nil {
                outcomes[column.string(0)] = column.outcome(from: 1)
            }
            return outcomes
        }
    }

    /// Changes whenever a webhook is added, edited or deleted or a delivery is attempted, by
    /// any process: two primary-key reads, cheap enough to poll twice a second.
    /// Moves whenever a delivery is added (a cheap "anything new?" beside `dashboardStamp`).
    public func newestDeliveryRowID() throws -> Int {
        try dbPool.read { db in try Int.fetchOne(db, sql: "SELECT coalesce(max(rowid), 0) FROM deliveries") ?? 0 }
    }

    public func dashboardStamp() throws -> DashboardStamp {
        try dbPool.read { db in
            let revision = try Int.fetchOne(db, sql: "SELECT revision FROM dashboard_revision WHERE id = 1") ?? 0
            let lastAttempt = try Int.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM attempts") ?? 0
            return DashboardStamp(revision: revision, lastAttemptID: lastAttempt)
        }
    }

    /// The failed count an operator can act on (R redelivers it): a failed test event, or a
    /// delivery whose webhook was deleted, kept the header's count up for good. Joining every
    /// failed delivery to its webhook and message took 38 ms at 40,000 failed, on each of the
    /// console's half-second refreshes: it is counted again only when the plain count of failed
    /// deliveries or the webhooks changed, and then, once it costs over 2 ms, at most once per
    /// 50× its last cost (a header up to a couple of seconds behind, at 2 % of a core).
    private func redeliverableFailed(_ db: Database) throws -> Int {
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deliveries WHERE status = 'failed'") ?? 0
        let revision = try Int.fetchOne(db, sql: "SELECT revision FROM dashboard_revision WHERE id = 1") ?? 0
        let now = Date()
        if let last = failedCount.withLock({ $0 }),
           (last.total == total && last.revision == revision)
            || (last.cost > 0.002 && now.timeIntervalSince(last.at) < last.cost * 50) {
            return last.count
        }
        let count = try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM deliveries d INDEXED BY deliveries_by_status_created
            JOIN webhooks w ON w.id = d.webhookId JOIN messages m ON m.id = d.messageId
            WHERE d.status = 'failed' AND m.liveMode = 1
            """) ?? 0
        failedCount.withLock {
            $0 = FailedCount(total: total, revision: revision, count: count, at: now, cost: Date().timeIntervalSince(now))
        }
        return count
    }

    private struct FailedCount: Sendable {
        let total: Int
        let revision: Int
        let count: Int
        let at: Date
        let cost: TimeInterval
    }

    /// Pending deliveries to plain http:// URLs, which only a process with `--dev` sends.
    public func pendingToPlainHTTP() throws -> Int {
        try dbPool.read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM deliveries d JOIN webhooks w ON w.id = d.webhookId
                WHERE d.status = 'pending' AND lower(substr(w.url, 1, 5)) = 'http:'
                """) ?? 0
        }
    }

    public func queueStats(now: Date = Date()) throws -> QueueStats {
        try dbPool.read { db in
            let time = now.timeIntervalSince1970
            // One pass over the pending rows, which the count already read.
            let inFlightByWebhook = try Row.fetchAll(db, sql: """
                SELECT webhookId, COUNT(*) FROM deliveries WHERE status = 'pending' AND leaseExpiresAt >= ?
                GROUP BY webhookId
                """, arguments: [time])
            let inFlight = inFlightByWebhook.reduce(0) { $0 + ($1[1] as Int) }
            // What a worker would take now: scheduled deliveries of an inactive webhook wait for
            // it to be active again (they count as pending, not due, or "due" would never drain).
            let due = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM deliveries d JOIN webhooks w ON w.id = d.webhookId WHERE \(ClaimRequest.dueCondition)
                """, arguments: [time, time]) ?? 0
            let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deliveries WHERE status = 'pending'") ?? 0
            let failed = try redeliverableFailed(db)
            var stats = QueueStats(inFlight: inFlight, due: due, pending: pending, failed: failed)
            stats.inFlightWebhookIDs = Set(inFlightByWebhook.map { $0[0] as String })
            return stats
        }
    }

    // MARK: Rows

    /// With the error class of the latest attempt (one probe of attempts_by_delivery per row
    /// returned): scripts read it from `deliveries --json` instead of matching error texts.
    static let deliverySelect = """
        SELECT d.*, m.eventType, m.liveMode,
            (SELECT a.errorClass FROM attempts a WHERE a.deliveryId = d.id ORDER BY a.id DESC LIMIT 1) AS lastErrorClass
        FROM deliveries d JOIN messages m ON m.id = d.messageId
        """

    static func fetchDelivery(_ db: Database, id: String) throws -> DeliveryRecord? {
        try Row.fetchOne(db, sql: "\(deliverySelect) WHERE d.id = ?", arguments: [id]).map(delivery(from:))
    }

    static func delivery(from row: Row) -> DeliveryRecord {
        DeliveryRecord(
            id: row["id"], messageID: row["messageId"], webhookID: row["webhookId"], eventType: row["eventType"],
            liveMode: row["liveMode"], status: DeliveryStatus(rawValue: row["status"]) ?? .pending,
            trigger: DeliveryTrigger(rawValue: row["trigger"]) ?? .scheduled, attemptCount: row["attemptCount"],
            nextAttemptAt: date(row["nextAttemptAt"]), leaseOwner: row["leaseOwner"],
            leaseExpiresAt: date(row["leaseExpiresAt"]), lastStatusCode: row["lastStatusCode"],
            lastError: row["lastError"],
            lastErrorClass: (row["lastErrorClass"] as String?).flatMap(AttemptErrorClass.init(rawValue:)),
            lastAttemptAt: date(row["lastAttemptAt"]),
            createdAt: Date(timeIntervalSince1970: row["createdAt"]))
    }

    static func attempt(from row: Row) -> AttemptRecord {
        AttemptRecord(
            id: row["id"], deliveryID: row["deliveryId"], number: row["number"],
            trigger: DeliveryTrigger(rawValue: row["trigger"]) ?? .scheduled,
            startedAt: Date(timeIntervalSince1970: row["startedAt"]), durationMilliseconds: row["durationMs"],
            requestURL: row["requestUrl"], requestHeaders: QueueHeaders.decode(row["requestHeaders"]),
            responseStatus: row["responseStatus"], responseHeaders: QueueHeaders.decode(row["responseHeaders"]),
            responseBody: row["responseBody"], errorClass: (row["errorClass"] as String?).flatMap(AttemptErrorClass.init),
            errorText: row["errorText"])
    }

    private static func date(_ seconds: Double?) -> Date? {
        seconds.map(Date.init(timeIntervalSince1970:))
    }

    private static func insert(_ message: NewMessage, _ db: Database) throws {
        // Cached statements: compiling an INSERT (with the triggers it fires) cost more than running it.
        try db.cachedStatement(
            sql: "INSERT INTO messages (id, eventType, liveMode, body, createdAt) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [
            message.id, message.eventType, message.liveMode, message.body, message.createdAt.timeIntervalSince1970,
        ])
    }

    private static func insertDelivery(
        _ db: Database, messageID: String, webhookID: String, trigger: DeliveryTrigger, due: Date
    ) throws -> String {
        let id = TimeOrderedID.make()
        try db.cachedStatement(
            sql: """
                INSERT INTO deliveries (id, messageId, webhookId, status, trigger, nextAttemptAt, createdAt)
                VALUES (?, ?, ?, 'pending', ?, ?, ?)
                """
        ).execute(arguments: [
            id, messageID, webhookID, trigger.rawValue, due.timeIntervalSince1970, due.timeIntervalSince1970,
        ])
        return id
    }
}

/// Headers stored as a JSON array of {name, value}, keeping order and duplicates.
enum QueueHeaders {
    /// Hand-rolled on UTF-8 bytes: this runs twice for every attempt, and first JSONEncoder,
    /// then appending Unicode scalars one by one, showed in the delivery profile. Bytes of
    /// multi-byte UTF-8 sequences are all ≥ 0x80, so they pass through unescaped and intact.
    static func encode(_ headers: [RecordedHeader]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(headers.reduce(2) { $0 + $1.name.utf8.count + $1.value.utf8.count + 22 })
        out.append(UInt8(ascii: "["))
        for (index, header) in headers.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"name":"#.utf8)
            appendQuoted(header.name, to: &out)
            out.append(contentsOf: #","value":"#.utf8)
            appendQuoted(header.value, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case ..<0x20:
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func decode(_ text: String?) -> [RecordedHeader] {
        guard let text else { return [] }
        return (try? JSONDecoder().decode([RecordedHeader].self, from: Data(text.utf8))) ?? []
    }
}
