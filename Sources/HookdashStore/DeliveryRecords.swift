import Foundation

/// Where a delivery stands in the queue.
public enum DeliveryStatus: String, Sendable, Codable, CaseIterable {
    case pending, succeeded, failed, cancelled
}

/// Why an attempt happened: the retry schedule, an operator's redeliver, or "Send test event".
public enum DeliveryTrigger: String, Sendable, Codable, CaseIterable {
    case scheduled, manual, test
}

/// The kind of failure of an attempt that got no acceptable HTTP answer.
public enum AttemptErrorClass: String, Sendable, Codable, CaseIterable {
    case timeout, refused, tls, dns, redirect, ssrf, http, other
}

/// One message (event envelope) exactly as stored; `body` is sent byte-identical on every attempt.
public struct QueuedMessage: Sendable, Equatable {
    public let id: String
    public let eventType: String
    public let liveMode: Bool
    public let body: Data
    public let createdAt: Date
}

/// One message's journey to one webhook.
public struct DeliveryRecord: Sendable, Equatable, Identifiable {
    public let id: String
    public let messageID: String
    public let webhookID: String
    public let eventType: String
    public let liveMode: Bool
    public let status: DeliveryStatus
    public let trigger: DeliveryTrigger
    public let attemptCount: Int
    public let nextAttemptAt: Date?
    public let leaseOwner: String?
    public let leaseExpiresAt: Date?
    public let lastStatusCode: Int?
    public let lastError: String?
    /// The latest attempt's (timeout, refused, tls, …); nil when it had none or none was made.
    public let lastErrorClass: AttemptErrorClass?
    public let lastAttemptAt: Date?
    public let createdAt: Date

    /// True while some process holds an unexpired lease on it.
    public func isInFlight(at now: Date) -> Bool {
        status == .pending && (leaseExpiresAt.map { $0 > now } ?? false)
    }
}

/// A header as sent or received, in order.
public struct RecordedHeader: Sendable, Equatable, Codable {
    public let name: String
    public let value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// One HTTP attempt of a delivery. The request body is the message body (byte-identical).
public struct AttemptRecord: Sendable, Equatable, Identifiable {
    /// How much of a response body is kept (SPEC §4); a body this long was probably cut.
    public static let keptResponseBytes = 4096

    public let id: Int64
    public let deliveryID: String
    public let number: Int
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

    public var succeeded: Bool {
        errorClass == nil && (responseStatus.map { (200..<300).contains($0) } ?? false)
    }
}

/// The latest finished attempt's outcome for a webhook, for the dashboard.
public struct DeliveryOutcome: Sendable, Equatable {
    public let deliveryID: String
    public let status: DeliveryStatus
    public let statusCode: Int?
    public let error: String?
    public let attemptedAt: Date
    public let eventType: String
    /// Why the attempt got no HTTP answer (nil when it got one).
    public var errorClass: AttemptErrorClass? = nil
}

/// See `QueueStore.dashboardStamp()`.
public struct DashboardStamp: Sendable, Hashable {
    public let revision: Int
    public let lastAttemptID: Int
}

/// Queue counters for headers and status lines.
public struct QueueStats: Sendable, Equatable {
    /// Pending deliveries some process holds a live lease on.
    public let inFlight: Int
    /// Pending, unleased, due now, and to a webhook a worker sends to (active, or a manual or
    /// test attempt).
    public let due: Int
    /// All pending deliveries (due now or waiting for a retry).
    public let pending: Int
    /// Failed deliveries of live messages to webhooks that still exist: those a redelivery
    /// can send again (test events and deleted webhooks' deliveries are left out).
    public let failed: Int
    /// Webhooks with a delivery in flight (so a dashboard can say "sending" before the first
    /// attempt to one has an outcome).
    public var inFlightWebhookIDs: Set<String> = []
}
