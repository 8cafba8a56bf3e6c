import Foundation
import HookdashDomain
import HookdashStore

/// Store records as the console shows them.
public enum StoreRows {
    /// How many of a webhook's newest deliveries the details' search looks through.
    public static let searchWindow = QueueStore.searchWindow
    /// How many deliveries a details screen lists (its search looks further back).
    public static let detailsLimit = 200

    public static func webhook(_ webhook: Webhook, outcome: DeliveryOutcome?) -> WebhookRow {
        WebhookRow(
            id: webhook.id, name: webhook.name, url: webhook.url, secret: webhook.secret ?? "",
            events: webhook.events.map(\.rawValue), active: webhook.active, createdAt: webhook.createdAt,
            updatedAt: webhook.updatedAt, version: webhook.version,
            lastDelivery: outcome.map { outcome in
                let result: LastDelivery.Outcome = switch outcome.status {
                case .succeeded: .succeeded(statusCode: outcome.statusCode ?? 200)
                case .pending where outcome.statusCode == nil && outcome.error == nil: .pending
                default: .failed(statusCode: outcome.statusCode, reason: outcome.errorClass.flatMap(Self.reason))
                }
                return LastDelivery(outcome: result, at: outcome.attemptedAt)
            },
            previousSecretUntil: webhook.previousSecretUntil, previousSecrets: webhook.previousSecrets,
            disabledReason: webhook.disabledReason)
    }

    /// A word for the dashboard's narrow "Last delivery" column.
    static func reason(_ errorClass: AttemptErrorClass) -> String? {
        switch errorClass {
        case .timeout, .refused, .tls, .dns, .redirect, .ssrf: errorClass.rawValue
        case .http, .other: nil
        }
    }

    public static func health(_ health: WebhookHealth) -> HealthSummary {
        HealthSummary(attempts: health.attempts, succeeded: health.succeeded, p95Milliseconds: health.p95Milliseconds)
    }

    public static func queue(_ stats: QueueStats, running: Bool) -> QueueSummary {
        var summary = QueueSummary(
            running: running, inFlight: stats.inFlight, due: stats.due,
            waiting: max(0, stats.pending - stats.inFlight - stats.due), failed: stats.failed)
        summary.sendingTo = stats.inFlightWebhookIDs
        return summary
    }

    /// The store's status a details filter reads; nil for every delivery.
    public static func status(_ filter: DeliveryFilter) -> DeliveryStatus? {
        switch filter {
        case .all: nil
        case .failed: .failed
        case .pending: .pending
        case .delivered: .succeeded
        }
    }

    public static func delivery(_ delivery: DeliveryRecord) -> DeliveryRow {
        let status: DeliveryRow.Status = switch delivery.status {
        case .succeeded: .delivered
        case .failed: .failed
        case .cancelled: .cancelled
        case .pending: delivery.isInFlight(at: Date()) ? .inFlight : .pending
        }
        return DeliveryRow(
            id: delivery.id, event: delivery.eventType, messageID: delivery.messageID, liveMode: delivery.liveMode,
            status: status, attemptCount: delivery.attemptCount, lastStatusCode: delivery.lastStatusCode,
            lastError: delivery.lastError, createdAt: delivery.createdAt, nextAttemptAt: delivery.nextAttemptAt)
    }

    /// A stored envelope as attempts show it (pretty-printed) and keep it (as sent). Made once
    /// per message and reused: a message never changes, and formatting a 1 MB payload on
    /// every refresh of its attempts kept a core busy.
    public struct MessageText: Sendable {
        public let pretty: String
        public let sent: String

        public init(_ body: Data) {
            pretty = JSONPretty.format(body)
            sent = String(decoding: body, as: UTF8.self)
        }
    }

    public static func attempt(_ attempt: AttemptRecord, message: MessageText) -> AttemptRow {
        var row = AttemptRow(
            number: attempt.number, startedAt: attempt.startedAt, durationMilliseconds: attempt.durationMilliseconds,
            statusCode: attempt.responseStatus, error: attempt.errorText,
            requestHeaders: attempt.requestHeaders.map { ($0.name, $0.value) },
            requestBody: message.pretty,
            responseHeaders: attempt.responseHeaders.map { ($0.name, $0.value) },
            responseBody: attempt.responseBody.map { String(decoding: $0, as: UTF8.self) } ?? "",
            requestURL: attempt.requestURL, sentBody: message.sent)
        row.responseBodyCut = (attempt.responseBody?.count ?? 0) >= AttemptRecord.keptResponseBytes
        return row
    }
}

/// What the first frame needs, read from the store in one go.
public struct ConsoleSnapshot: Sendable {
    public var webhooks: [WebhookRow]
    /// All webhooks, when `webhooks` holds only the first `limit`; nil when it holds them all.
    public var total: Int?
    /// Over all webhooks, when `webhooks` holds only the first `limit`.
    public var widest: ColumnWidths?
    /// Over all webhooks, whether the store said or every row was read.
    public var widestOfAll: ColumnWidths { widest ?? ColumnWidths(webhooks) }
    public var queue: QueueSummary

    /// The rows and the queue counters, read at the same time on two of the pool's reader
    /// connections. With `limit`, only the oldest `limit` rows and the count of all (the first
    /// screenful the console draws before the rest arrives).
    public static func load(store: WebhookStore, queue: QueueStore, queueRunning: Bool, limit: Int? = nil) throws
        -> ConsoleSnapshot {
        let stats = ResultSlot<QueueStats>()
        let reading = DispatchGroup()
        DispatchQueue.global(qos: .userInitiated).async(group: reading) {
            stats.result = Result { try queue.queueStats() }
        }
        defer { reading.wait() }
        let rows = try store.listWithLastOutcome(limit: limit).map { StoreRows.webhook($0.webhook, outcome: $0.lastOutcome) }
        let total = limit == nil ? nil : try store.count()
        let widest = limit == nil ? nil : ColumnWidths(try store.namesAndURLs())
        reading.wait()
        let counts = try stats.value()
        return ConsoleSnapshot(
            webhooks: rows, total: total, widest: widest,
            queue: StoreRows.queue(counts, running: queueRunning))
    }
}

/// Written by one background block and read after `DispatchGroup.wait()`, which orders the
/// two: no lock needed.
private final class ResultSlot<Value>: @unchecked Sendable {
    var result: Result<Value, Error>?

    func value() throws -> Value {
        guard let result else { preconditionFailure("read before the group finished") }
        return try result.get()
    }
}
