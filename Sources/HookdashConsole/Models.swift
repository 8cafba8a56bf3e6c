import Foundation
import HookdashDomain
import HookdashUI

/// A webhook as the console shows it. The runner converts store records into these, so the
/// state machine stays a plain value that tests can build by hand.
public struct WebhookRow: Equatable, Sendable, Identifiable {
    public var id: String
    public var name: String
    public var url: String
    public var secret: String
    /// Event type names, e.g. "job.status".
    public var events: [String]
    public var active: Bool
    public var createdAt: Date
    public var updatedAt: Date
    public var version: Int
    public var lastDelivery: LastDelivery?
    /// Until when the replaced secret still signs beside this one (rotation overlap).
    public var previousSecretUntil: Date?
    /// The replaced secrets signing until then, newest first: a copied curl signs with them too.
    public var previousSecrets: [String] = []
    /// Why hookdash itself set the webhook inactive (410 Gone, failing for days).
    public var disabledReason: String?

    var statusWord: String { Webhook.statusWord(active: active, disabledReason: disabledReason) }

    /// The old secrets that still sign at `now` (none once the overlap has ended).
    func previousSecrets(signingAt now: Date) -> [String] {
        previousSecretUntil.map { $0 > now } ?? false ? previousSecrets : []
    }

    public init(
        id: String, name: String, url: String, secret: String = "", events: [String], active: Bool = true,
        createdAt: Date = Date(timeIntervalSince1970: 0), updatedAt: Date = Date(timeIntervalSince1970: 0),
        version: Int = 1, lastDelivery: LastDelivery? = nil, previousSecretUntil: Date? = nil,
        previousSecrets: [String] = [], disabledReason: String? = nil
    ) {
        self.previousSecretUntil = previousSecretUntil
        self.previousSecrets = previousSecrets
        self.disabledReason = disabledReason
        self.id = id
        self.name = name
        self.url = url
        self.secret = secret
        self.events = events
        self.active = active
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
        self.lastDelivery = lastDelivery
    }
}

/// The outcome of a webhook's most recent delivery, for the dashboard's last column.
public struct LastDelivery: Equatable, Sendable {
    public enum Outcome: Equatable, Sendable {
        case succeeded(statusCode: Int)
        /// `reason` names a failure without an HTTP answer ("refused", "timeout", "tls", …).
        case failed(statusCode: Int?, reason: String? = nil)
        case pending
    }

    public var outcome: Outcome
    public var at: Date

    public init(outcome: Outcome, at: Date) {
        self.outcome = outcome
        self.at = at
    }

    /// The LAST DELIVERY column before its age ("✓ 200", "✗ refused", "— none"): the
    /// dashboard draws it and the filter matches it, so what is on screen can be typed.
    public static func columnText(_ last: LastDelivery?) -> String {
        switch last?.outcome {
        case nil: "— none"
        case .succeeded(let code)?: "✓ \(code)"
        case .failed(let code?, _)?: "✗ \(code)"
        case .failed(nil, let reason)?: "✗ \(reason ?? "error")"
        case .pending?: "… pending"
        }
    }
}

/// How a webhook's last 24 h went, as the details screen shows it beside its deliveries.
public struct HealthSummary: Equatable, Sendable {
    public var attempts: Int
    /// Attempts answered 2xx.
    public var succeeded: Int
    public var p95Milliseconds: Int?

    public init(attempts: Int, succeeded: Int, p95Milliseconds: Int?) {
        self.attempts = attempts
        self.succeeded = succeeded
        self.p95Milliseconds = p95Milliseconds
    }

    /// Longest first; the screen takes the longest that fits.
    var texts: [String] {
        guard attempts > 0 else { return ["24 h: no attempts"] }
        let percent = Percentage.roundedDown(succeeded, of: attempts)
        let share = "\(percent) % 2xx"
        let tries = attempts == 1 ? "1 try" : "\(attempts) tries"
        guard let p95 = p95Milliseconds else { return ["24 h: \(tries) · \(share)", "24 h: \(share)"] }
        // The tries count says how much the share stands for: p95 goes first.
        return ["24 h: \(tries) · \(share) · p95 \(p95) ms", "24 h: \(tries) · \(share)", "24 h: \(share)"]
    }
}

/// The background queue as the header shows it.
public struct QueueSummary: Equatable, Sendable {
    public var running: Bool
    public var inFlight: Int
    public var due: Int
    /// Pending deliveries waiting for a later retry, or for their inactive webhook to be
    /// active again: without them a dead endpoint's backlog would be invisible in the header.
    public var waiting: Int
    public var failed: Int
    /// Webhooks with a delivery in flight now.
    public var sendingTo: Set<String> = []

    public init(running: Bool = false, inFlight: Int = 0, due: Int = 0, waiting: Int = 0, failed: Int = 0) {
        self.running = running
        self.inFlight = inFlight
        self.due = due
        self.waiting = waiting
        self.failed = failed
    }
}

/// An event type a webhook can subscribe to, as a form checkbox.
public struct EventChoice: Equatable, Sendable {
    public var name: String
    public var label: String
    public var shortLabel: String

    public init(name: String, label: String, shortLabel: String) {
        self.name = name
        self.label = label
        self.shortLabel = shortLabel
    }

    public static let standard = [
        EventChoice(name: "job.status", label: "Job Status", shortLabel: "job"),
        EventChoice(name: "order.status", label: "Order Status", shortLabel: "order"),
    ]
}

/// One delivery of a message to a webhook, for the details screen.
public struct DeliveryRow: Equatable, Sendable, Identifiable {
    public enum Status: String, Equatable, Sendable {
        case pending, inFlight = "in flight", delivered, failed, cancelled
    }

    public var id: String
    public var event: String
    public var messageID: String
    public var liveMode: Bool
    public var status: Status
    public var attemptCount: Int
    public var lastStatusCode: Int?
    public var lastError: String?
    public var createdAt: Date
    public var nextAttemptAt: Date?

    public init(
        id: String, event: String, messageID: String, liveMode: Bool = true, status: Status,
        attemptCount: Int, lastStatusCode: Int? = nil, lastError: String? = nil,
        createdAt: Date, nextAttemptAt: Date? = nil
    ) {
        self.id = id
        self.event = event
        self.messageID = messageID
        self.liveMode = liveMode
        self.status = status
        self.attemptCount = attemptCount
        self.lastStatusCode = lastStatusCode
        self.lastError = lastError
        self.createdAt = createdAt
        self.nextAttemptAt = nextAttemptAt
    }
}

/// One recorded attempt with its request and response.
public struct AttemptRow: Equatable, Sendable {
    public var number: Int
    public var startedAt: Date
    public var durationMilliseconds: Int
    public var statusCode: Int?
    public var error: String?
    public var requestHeaders: [(String, String)]
    public var requestBody: String
    public var responseHeaders: [(String, String)]
    public var responseBody: String
    public var requestURL: String
    /// The body exactly as sent (`requestBody` is pretty-printed for reading); the signature
    /// covers these bytes, so copies and replays use them.
    public var sentBody: String
    /// The response body reached the size hookdash keeps: the endpoint probably sent more.
    public var responseBodyCut = false

    public init(
        number: Int, startedAt: Date, durationMilliseconds: Int, statusCode: Int?, error: String? = nil,
        requestHeaders: [(String, String)] = [], requestBody: String = "",
        responseHeaders: [(String, String)] = [], responseBody: String = "",
        requestURL: String = "", sentBody: String = ""
    ) {
        self.requestURL = requestURL
        self.sentBody = sentBody
        self.number = number
        self.startedAt = startedAt
        self.durationMilliseconds = durationMilliseconds
        self.statusCode = statusCode
        self.error = error
        self.requestHeaders = requestHeaders
        self.requestBody = requestBody
        self.responseHeaders = responseHeaders
        self.responseBody = responseBody
    }

    public var succeeded: Bool { statusCode.map { (200..<300).contains($0) } ?? false }

    public static func == (lhs: AttemptRow, rhs: AttemptRow) -> Bool {
        lhs.number == rhs.number && lhs.startedAt == rhs.startedAt
            && lhs.durationMilliseconds == rhs.durationMilliseconds && lhs.statusCode == rhs.statusCode
            && lhs.error == rhs.error && lhs.requestBody == rhs.requestBody && lhs.responseBody == rhs.responseBody
            && lhs.requestHeaders.elementsEqual(rhs.requestHeaders, by: ==)
            && lhs.responseHeaders.elementsEqual(rhs.responseHeaders, by: ==)
    }
}

/// What the form asks the runner to validate and store.
public struct FormSubmission: Equatable, Sendable {
    /// nil when creating.
    public var webhookID: String?
    public var expectedVersion: Int?
    public var name: String
    public var url: String
    public var secret: String
    public var events: [String]
    public var active: Bool

    /// What the domain's validator checks.
    public var draft: WebhookDraft {
        WebhookDraft(name: name, url: url, secret: secret, events: events, active: active)
    }
}

/// The form's fields, also used to place validation messages.
public enum FormField: String, Equatable, Hashable, Sendable, CaseIterable {
    case name, url, secret, events, status

    /// The text field a focus stop edits; nil for checkboxes and buttons.
    init?(focus: FormState.Focus) {
        switch focus {
        case .name: self = .name
        case .url: self = .url
        case .secret: self = .secret
        default: return nil
        }
    }
}

public enum SimulationKind: String, Equatable, Sendable, CaseIterable {
    case jobSucceeds = "job"
    case jobFails = "job-fails"
    case orderFulfilled = "order"
    case orderFails = "order-fails"

    /// The event it emits.
    public var event: String {
        switch self {
        case .jobSucceeds, .jobFails: "job.status"
        case .orderFulfilled, .orderFails: "order.status"
        }
    }

    public var title: String {
        switch self {
        case .jobSucceeds: "Run a demo job (PENDING → RUNNING → SUCCEEDED)"
        case .jobFails: "Run a demo job that fails"
        case .orderFulfilled: "Place a demo order that is fulfilled"
        case .orderFails: "Place a demo order that fails"
        }
    }
}

extension DeliveryRow {
    /// The "Result" column: the last status code, when it retries, and why it failed.
    /// `webhookActive` false: a pending delivery waits for its webhook, whatever its time says.
    /// `waitsForDev`: it goes to a plain http:// URL and this console runs without `--dev`,
    /// so, due, it is left a while to a process that may send it (the plain-http grace).
    public func result(now: Date, webhookActive: Bool = true, waitsForDev: Bool = false) -> String {
        var parts: [String] = []
        // "HTTP 410 Gone: …" says its code itself, and takes the code's place.
        if let code = lastStatusCode { parts.append(lastError.flatMap { $0.hasPrefix("HTTP \(code)") ? $0 : nil } ?? "HTTP \(code)") }
        // Before the error, which is often longer than the column: when it tries again is
        // what a person watching a failing endpoint wants to see.
        if status == .pending, !webhookActive {
            parts.append("waits: webhook Inactive")
        } else if status == .pending, waitsForDev, nextAttemptAt.map({ $0 <= now }) ?? true {
            // "retry now" sat there while nothing here would send it.
            parts.append("waits for a console or serve with --dev")
        } else if status == .pending, let next = nextAttemptAt, attemptCount > 0 {
            parts.append("retry " + RelativeTime.describeFuture(next, from: now))
        }
        if let error = lastError, status != .delivered, !parts.contains(error) {
            parts.append(error)
        }
        if parts.isEmpty { return status == .delivered ? "ok" : "—" }
        return parts.joined(separator: " · ")
    }
}

/// Words for toasts.
public enum ToastText {
    /// A webhook's name, cut to 32 columns: a name of 100 wide characters filled a toast's
    /// three rows and pushed out the outcome it was there to tell.
    public static func name(_ name: String) -> String {
        TextWidth.truncate(name, to: 32)
    }
}
