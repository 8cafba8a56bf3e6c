import Foundation
import HookdashDomain
import GRDB

/// A delivery leased to one worker, with everything needed to send it.
public struct ClaimedDelivery: Sendable, Equatable {
    public let deliveryID: String
    public let messageID: String
    public let webhookID: String
    public let url: String
    public let secret: String?
    /// The secrets `secret` replaced that still sign beside it (rotation overlap), newest first.
    public let previousSecrets: [String]
    public let eventType: String
    public let body: Data
    /// Attempts made before this one.
    public let attemptCount: Int
    public let trigger: DeliveryTrigger
    /// False for a test event's message.
    public let liveMode: Bool
    /// Whether its webhook is Active (a test or a redelivery may go to an Inactive one).
    public var webhookActive = true
}

/// What happens to a delivery after an attempt.
public enum DeliveryTransition: Sendable, Equatable {
    case succeeded
    case retry(at: Date)
    case failed
}

/// One finished attempt, ready to be stored.
public struct AttemptDraft: Sendable {
    public let deliveryID: String
    public let trigger: DeliveryTrigger
    public let startedAt: Date
    public let durationMilliseconds: Int
    public let requestURL: String
    public let requestHeaders: [RecordedHeader]
    public let responseStatus: Int?
    public let responseHeaders: [RecordedHeader]
    public let responseBody: Data?
    public let errorClass: AttemptErrorClass?
    public let errorText: String?

    public init(
        deliveryID: String, trigger: DeliveryTrigger, startedAt: Date, durationMilliseconds: Int,
        requestURL: String, requestHeaders: [RecordedHeader], responseStatus: Int?,
        responseHeaders: [RecordedHeader], responseBody: Data?, errorClass: AttemptErrorClass?, errorText: String?
    ) {
        self.deliveryID = deliveryID
        self.trigger = trigger
        self.startedAt = startedAt
        self.durationMilliseconds = durationMilliseconds
        self.requestURL = requestURL
        self.requestHeaders = requestHeaders
        self.responseStatus = responseStatus
        self.responseHeaders = responseHeaders
        self.responseBody = responseBody
        self.errorClass = errorClass
        self.errorText = errorText
    }

    /// A 2xx answer and no error: what makes a delivery succeed.
    public var succeeded: Bool {
        errorClass == nil && (responseStatus.map { (200..<300).contains($0) } ?? false)
    }

    /// One line for the delivery's "last error" column.
    public var summary: String? {
        if let errorText { return errorText }
        if let responseStatus, !(200..<300).contains(responseStatus) { return "HTTP \(responseStatus)" }
        return nil
    }
}

/// Deliveries to one webhook that another worker (process) holds unexpired leases on.
public struct LeasesHeldElsewhere: Sendable, Equatable {
    public let webhookID: String
    public let url: String
    public let count: Int
}

/// What a worker may lease: up to `limit` due deliveries. `admit` sees candidates oldest-due
/// first and may refuse some (per-endpoint limits); refused ones stay untouched.
/// `excludingWebhookIDs` names webhooks whose endpoint has no free slot.
public struct ClaimRequest: Sendable {
    public let owner: String
    public let now: Date
    public let leaseDuration: TimeInterval
    public let limit: Int
    public let onlyIDs: [String]?
    public let excludingWebhookIDs: Set<String>
    /// Endpoints (`EndpointKey`) with no free slot. When a claim's window is all refused, it
    /// looks past it skipping these: `excludingWebhookIDs` skips only the webhooks in flight,
    /// so the rest of a saturated endpoint's backlog (one endpoint, hundreds of webhooks)
    /// filled the window, and a slow endpoint held up every other.
    public let excludingEndpoints: Set<String>
    /// Set by a process that may not send plain http:// (no `--dev`): deliveries to such URLs
    /// are left to one that may, and taken (to record the refusal, which says to add `--dev`)
    /// only when due since before this moment.
    public let plainHTTPDueBefore: Date?
    /// Told, inside the claim's transaction and before `admit` sees anything, what other
    /// workers on the database hold; returns more webhooks to skip (their endpoint is full).
    /// So per-endpoint limits hold across processes, not only within one.
    public let heldElsewhere: (@Sendable (_ leases: [LeasesHeldElsewhere]) -> Set<String>)?
    public let admit: @Sendable (_ url: String) -> Bool

    public init(
        owner: String, now: Date, leaseDuration: TimeInterval, limit: Int, onlyIDs: [String]? = nil,
        excludingWebhookIDs: Set<String> = [], excludingEndpoints: Set<String> = [], plainHTTPDueBefore: Date? = nil,
        heldElsewhere: (@Sendable (_ leases: [LeasesHeldElsewhere]) -> Set<String>)? = nil,
        admit: @escaping @Sendable (_ url: String) -> Bool = { _ in true }
    ) {
        self.excludingEndpoints = excludingEndpoints
        self.owner = owner
        self.now = now
        self.leaseDuration = leaseDuration
        self.limit = limit
        self.onlyIDs = onlyIDs
        self.excludingWebhookIDs = excludingWebhookIDs
        self.plainHTTPDueBefore = plainHTTPDueBefore
        self.heldElsewhere = heldElsewhere
        self.admit = admit
    }

    /// The same claim taking at most `count` deliveries.
    public func limited(to count: Int) -> ClaimRequest {
        ClaimRequest(
            owner: owner, now: now, leaseDuration: leaseDuration, limit: min(limit, count), onlyIDs: onlyIDs,
            excludingWebhookIDs: excludingWebhookIDs, excludingEndpoints: excludingEndpoints,
            plainHTTPDueBefore: plainHTTPDueBefore, heldElsewhere: heldElsewhere, admit: admit)
    }

    /// The SQL condition for `plainHTTPDueBefore` (two arguments, both the date or NULL).
    static let plainHTTPCondition = "(? IS NULL OR lower(substr(w.url, 1, 5)) <> 'http:' OR d.nextAttemptAt <= ?)"

    /// What a worker may take now, over `deliveries d JOIN webhooks w` (two arguments, both
    /// now): pending, due, unleased, and to an active webhook unless asked for by hand.
    /// Claims, the idle check and the header's "due" count all mean this.
    static let dueCondition = """
        d.status = 'pending' AND d.nextAttemptAt <= ?
        AND (d.leaseExpiresAt IS NULL OR d.leaseExpiresAt < ?)
        AND (w.active = 1 OR d.trigger <> 'scheduled')
        """
}

extension QueueStore {
    /// Leases due deliveries as `request` describes.
    /// The UPDATE re-checks the lease, so two processes can never both take one delivery.
    public func claimDue(_ request: ClaimRequest) async throws -> [ClaimedDelivery] {
        guard request.limit > 0 else { return [] }
        return try await dbPool.write { db in try Self.claim(request, db) }
    }

    public func claimDue(
        owner: String, now: Date, leaseDuration: TimeInterval, limit: Int, onlyIDs: [String]? = nil,
        excludingWebhookIDs: Set<String> = [],
        admit: @escaping @Sendable (_ url: String) -> Bool = { _ in true }
    ) async throws -> [ClaimedDelivery] {
        try await claimDue(ClaimRequest(
            owner: owner, now: now, leaseDuration: leaseDuration, limit: limit, onlyIDs: onlyIDs,
            excludingWebhookIDs: excludingWebhookIDs, admit: admit))
    }

    private static func claim(_ request: ClaimRequest, _ db: Database) throws -> [ClaimedDelivery] {
        guard request.limit > 0 else { return [] }
        let time = request.now.timeIntervalSince1970
        let plainHTTP = request.plainHTTPDueBefore?.timeIntervalSince1970
        var arguments: StatementArguments = [time, time, time, plainHTTP, plainHTTP]
        var restriction = ""
        if let onlyIDs = request.onlyIDs {
            restriction = "AND d.id IN (\(databaseQuestionMarks(count: onlyIDs.count)))"
            arguments += StatementArguments(onlyIDs)
        }
        var excluded = request.excludingWebhookIDs
        if let heldElsewhere = request.heldElsewhere {
            excluded.formUnion(heldElsewhere(try leasesHeldElsewhere(owner: request.owner, now: time, db)))
        }
        if !excluded.isEmpty {
            // Saturated endpoints are skipped in SQL, so their backlog cannot fill the
            // candidate window and starve other endpoints.
            restriction += " AND d.webhookId NOT IN (\(databaseQuestionMarks(count: excluded.count)))"
            arguments += StatementArguments(Array(excluded))
        }
        let window = request.limit * 8
        var pass = try candidatesPass(request, restriction: restriction, arguments: arguments + [window], db)
        // The window was all refused (a saturated endpoint's backlog, spread over many webhooks,
        // fills it): look again past it, skipping saturated endpoints by URL, over at most
        // `fallbackScan` due deliveries. Only then: its per-row cost must not fall on every claim.
        if pass.claimed.isEmpty, pass.refused >= window, !request.excludingEndpoints.isEmpty {
            let endpoints = request.excludingEndpoints
            pass = try candidatesPass(
                request,
                restriction: restriction
                    + " AND d.id IN (SELECT id FROM deliveries INDEXED BY deliveries_due WHERE status = 'pending' AND nextAttemptAt <= ? ORDER BY nextAttemptAt LIMIT \(fallbackScan))"
                    + " AND hookdash_endpoint(w.url) NOT IN (\(databaseQuestionMarks(count: endpoints.count)))",
                arguments: arguments + [time] + StatementArguments(Array(endpoints)) + [window], db)
        }
        let claimed = pass.claimed
        if !claimed.isEmpty {
            let ids = claimed.map(\.deliveryID)
            try db.cachedStatement(
                sql: "UPDATE deliveries SET leaseOwner = ?, leaseExpiresAt = ? WHERE id IN (\(databaseQuestionMarks(count: ids.count)))"
            ).execute(arguments: [request.owner, time + request.leaseDuration] + StatementArguments(ids))
        }
        return claimed
    }

    /// Due deliveries past a saturated endpoint's refused backlog that a claim still looks at.
    static let fallbackScan = 4096

    /// Reads candidates through a cursor, stopped as soon as `limit` are admitted: the window
    /// (the last argument) is 8× the limit so refused endpoints cannot hide admissible work,
    /// but reading (and copying message bodies of) all of it each time showed in the delivery
    /// profile. The cursor lives in this call only, so the database is never changed while
    /// it is being read. Returns the admitted ones and how many were refused.
    private static func candidatesPass(
        _ request: ClaimRequest, restriction: String, arguments: StatementArguments, _ db: Database
    ) throws -> (claimed: [ClaimedDelivery], refused: Int) {
        // Cached: the SQL differs only by how many ids the IN lists hold (at most the
        // concurrency), and compiling this join each time cost more than running it.
        let candidates = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT d.id, d.messageId, d.webhookId, d.attemptCount, d.trigger, w.url, w.secret, m.eventType, m.body,
                CASE WHEN w.previousSecretUntil > ? THEN w.previousSecret END, m.liveMode, w.active
            FROM deliveries d
            JOIN webhooks w ON w.id = d.webhookId
            JOIN messages m ON m.id = d.messageId
            WHERE \(ClaimRequest.dueCondition) AND \(ClaimRequest.plainHTTPCondition) \(restriction)
            ORDER BY d.nextAttemptAt
            LIMIT ?
            """), arguments: arguments)
        var claimed: [ClaimedDelivery] = []
        var refused = 0
        while claimed.count < request.limit, let row = try candidates.next() {
            let url: String = row[5]
            guard request.admit(url) else {
                refused += 1
                continue
            }
            let secret: String? = row[6]
            let previousSecret: String? = row[9]
            claimed.append(ClaimedDelivery(
                deliveryID: row[0], messageID: row[1], webhookID: row[2], url: url,
                secret: (secret?.isEmpty ?? true) ? nil : secret,
                previousSecrets: SecretRotation.secrets(in: previousSecret),
                eventType: row[7], body: row[8],
                attemptCount: row[3], trigger: DeliveryTrigger(rawValue: row[4]) ?? .scheduled, liveMode: row[10],
                webhookActive: row[11]))
        }
        return (claimed, refused)
    }

    /// Unexpired leases of other owners, per webhook: read through the partial index of
    /// leased deliveries (v8), which holds only what is in flight.
    private static func leasesHeldElsewhere(owner: String, now: Double, _ db: Database) throws -> [LeasesHeldElsewhere] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT d.webhookId, w.url, COUNT(*)
            FROM deliveries d INDEXED BY deliveries_leased
            JOIN webhooks w ON w.id = d.webhookId
            WHERE d.leaseOwner IS NOT NULL AND d.leaseOwner <> ? AND d.leaseExpiresAt >= ? AND d.status = 'pending'
            GROUP BY d.webhookId
            """), arguments: [owner, now]
        ).map { LeasesHeldElsewhere(webhookID: $0[0], url: $0[1], count: $0[2]) }
    }

    /// Stores the attempt and moves the delivery on, releasing the lease. The delivery is
    /// only moved while `owner` still holds it (a taken-over lease leaves it to the new owner).
    public func record(_ attempt: AttemptDraft, transition: DeliveryTransition, owner: String) async throws {
        try await record([(attempt, transition)], owner: owner)
    }

    /// What a recording transaction did beyond storing the attempts.
    public struct RecordOutcome: Sendable {
        /// Leased by `thenClaim`.
        public let claimed: [ClaimedDelivery]
        /// Webhooks this batch set inactive — their attempts had failed for too long, or their
        /// endpoint answered 410 Gone — with the reason stored.
        public let disabled: [String: String]
        /// Deliveries whose attempt was not stored: it outlived its lease (the process was
        /// suspended, say) and another process had taken the delivery over meanwhile.
        public var takenOver: [String] = []
        /// Deliveries whose webhook was deleted while their attempt was in flight and whose
        /// endpoint did not take it: stored, they end cancelled, not retried or failed.
        public var cancelled: [String] = []
    }

    /// Several attempts in one transaction (fewer fsyncs under load). Webhooks named in
    /// `deactivating` (their endpoint answered 410 Gone) are set inactive in the same
    /// transaction, as an edit would: a new version and updatedAt, so open forms see it; so
    /// is a webhook whose attempts have all failed for `disableAfter` (`FailureStreak`).
    /// `thenClaim` leases the next deliveries in that same transaction: a busy worker refills
    /// the slots the batch frees without a write of its own, which halves its transactions.
    @discardableResult
    public func record(
        _ batch: [(AttemptDraft, DeliveryTransition)], owner: String, deactivating: Set<String> = [], now: Date = Date(),
        disableAfter: TimeInterval? = FailureStreak.defaultDisableAfter, thenClaim claim: ClaimRequest? = nil
    ) async throws -> RecordOutcome {
        guard !batch.isEmpty else { return RecordOutcome(claimed: [], disabled: [:]) }
        return try await dbPool.write { db in
            var disabled: [String: String] = [:]
            var takenOver: [String] = []
            var cancelled: [String] = []
            for (attempt, transition) in batch {
                switch try Self.record(attempt, transition: transition, owner: owner, disableAfter: disableAfter, db) {
                case .stored(let disabling):
                    if let (webhookID, reason) = disabling { disabled[webhookID] = reason }
                case .storedCancelled:
                    cancelled.append(attempt.deliveryID)
                case .takenOver:
                    takenOver.append(attempt.deliveryID)
                }
            }
            for webhookID in deactivating {
                let reason = "the endpoint answered 410 Gone"
                if try FailureStreak.disable(db, webhookID: webhookID, reason: reason, now: now) {
                    disabled[webhookID] = reason
                }
            }
            return RecordOutcome(
                claimed: try claim.map { try Self.claim($0, db) } ?? [], disabled: disabled, takenOver: takenOver,
                cancelled: cancelled)
        }
    }

    private enum AttemptStorage {
        /// With the webhook's id and the reason when this attempt disabled it.
        case stored(disabling: (webhookID: String, reason: String)?)
        /// Onto a delivery cancelled meanwhile (its webhook deleted), which stays cancelled.
        case storedCancelled
        case takenOver
    }

    private static func record(
        _ attempt: AttemptDraft, transition: DeliveryTransition, owner: String, disableAfter: TimeInterval?,
        _ db: Database
    ) throws -> AttemptStorage {
        let delivery = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT attemptCount, webhookId, status, leaseOwner FROM deliveries WHERE id = ?"),
            arguments: [attempt.deliveryID])
        // Another process leased (or finished) the delivery after this attempt's lease ran out:
        // its own attempt is the delivery's history. Stored, this one would sit after it with
        // a higher number though it began earlier, and its duration (the time the process
        // was stopped, say) would skew the webhook's 24 h figures.
        if let delivery, delivery["status"] as String? != DeliveryStatus.cancelled.rawValue,
           delivery["leaseOwner"] as String? != owner {
            return .takenOver
        }
        let number = (delivery?["attemptCount"] as Int? ?? 0) + 1
        try db.cachedStatement(
            sql: """
                INSERT INTO attempts (deliveryId, number, trigger, startedAt, durationMs, requestUrl, requestHeaders,
                    responseStatus, responseHeaders, responseBody, errorClass, errorText)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                attempt.deliveryID, number, attempt.trigger.rawValue, attempt.startedAt.timeIntervalSince1970,
                attempt.durationMilliseconds, attempt.requestURL, QueueHeaders.encode(attempt.requestHeaders),
                attempt.responseStatus, QueueHeaders.encode(attempt.responseHeaders), attempt.responseBody,
                attempt.errorClass?.rawValue, attempt.errorText,
            ])
        let (status, nextAttemptAt): (DeliveryStatus, Double?) = switch transition {
        case .succeeded: (.succeeded, nil)
        case .failed: (.failed, nil)
        case .retry(let date): (.pending, date.timeIntervalSince1970)
        }
        try db.cachedStatement(
            sql: """
                UPDATE deliveries SET status = ?, nextAttemptAt = ?, attemptCount = attemptCount + 1,
                    lastStatusCode = ?, lastError = ?, lastAttemptAt = ?, trigger = 'scheduled',
                    leaseOwner = NULL, leaseExpiresAt = NULL
                WHERE id = ? AND leaseOwner = ? AND status = 'pending'
                """
        ).execute(
            arguments: [
                status.rawValue, nextAttemptAt, attempt.responseStatus, attempt.summary,
                attempt.startedAt.timeIntervalSince1970, attempt.deliveryID, owner,
            ])
        if db.changesCount == 0 {
            // Cancelled (its webhook deleted) while in flight: the attempt recorded above still
            // counts, so "after 0 attempts" never sits above one; and if the endpoint took it,
            // it was delivered, whatever happened to its webhook meanwhile.
            try db.cachedStatement(
                sql: """
                    UPDATE deliveries SET attemptCount = attemptCount + 1, lastStatusCode = ?, lastError = ?, lastAttemptAt = ?,
                        status = CASE WHEN ? THEN 'succeeded' ELSE status END
                    WHERE id = ? AND status = 'cancelled'
                    """
            ).execute(arguments: [
                attempt.responseStatus, attempt.summary, attempt.startedAt.timeIntervalSince1970, attempt.succeeded,
                attempt.deliveryID,
            ])
            if !attempt.succeeded, db.changesCount > 0 { return .storedCancelled }
        }
        // A test event says nothing about how the webhook's real traffic fares: it neither
        // starts nor ends a run of failures, so `webhooks test` never disables a webhook.
        guard attempt.trigger != .test, let webhookID: String = delivery?["webhookId"] else { return .stored(disabling: nil) }
        let reason = try FailureStreak.attemptRecorded(
            db, webhookID: webhookID, failed: !attempt.succeeded, at: attempt.startedAt, disableAfter: disableAfter)
        return .stored(disabling: reason.map { (webhookID, $0) })
    }

    /// Gives back leases this owner still holds (graceful stop).
    public func releaseLeases(owner: String) async throws {
        try await dbPool.write { db in
            try db.execute(
                sql: "UPDATE deliveries SET leaseOwner = NULL, leaseExpiresAt = NULL WHERE leaseOwner = ?",
                arguments: [owner])
        }
    }

    /// Releases leases whose owner `isDead` says is gone (e.g. a SIGKILLed process on this
    /// host), so its deliveries resume at once instead of after the lease expires.
    public func releaseLeases(where isDead: @escaping @Sendable (String) -> Bool) async throws -> Int {
        try await dbPool.write { db in
            let owners = try String.fetchAll(db, sql: """
                SELECT DISTINCT leaseOwner FROM deliveries WHERE status = 'pending' AND leaseOwner IS NOT NULL
                """)
            var released = 0
            for owner in owners where isDead(owner) {
                try db.execute(
                    sql: "UPDATE deliveries SET leaseOwner = NULL, leaseExpiresAt = NULL WHERE leaseOwner = ?",
                    arguments: [owner])
                released += db.changesCount
            }
            return released
        }
    }

    /// Whether a claim now would find anything, read without the write lock: an idle engine
    /// asks this on every poll, and a write transaction four times a second got in the way
    /// of other programs on the file (a `sqlite3` shell without a busy timeout: "locked").
    public func hasDueWork(now: Date, plainHTTPDueBefore: Date? = nil) async throws -> Bool {
        let time = now.timeIntervalSince1970
        let plainHTTP = plainHTTPDueBefore?.timeIntervalSince1970
        return try await dbPool.read { db in
            try Bool.fetchOne(db.cachedStatement(sql: """
                SELECT EXISTS (
                    SELECT 1 FROM deliveries d JOIN webhooks w ON w.id = d.webhookId
                    WHERE \(ClaimRequest.dueCondition) AND \(ClaimRequest.plainHTTPCondition))
                """), arguments: [time, time, plainHTTP, plainHTTP]) ?? false
        }
    }

    /// When the next pending, sendable delivery becomes due or its lease runs out
    /// (nil when nothing is pending).
    public func nextDueDate() async throws -> Date? {
        try await dbPool.read { db in
            try Double.fetchOne(db, sql: """
                SELECT MIN(MAX(d.nextAttemptAt, COALESCE(d.leaseExpiresAt, 0)))
                FROM deliveries d JOIN webhooks w ON w.id = d.webhookId
                WHERE d.status = 'pending' AND (w.active = 1 OR d.trigger <> 'scheduled')
                """).map(Date.init(timeIntervalSince1970:))
        }
    }
}
