import Foundation

/// A stored webhook: the record the dashboard manages (SPEC §1).
public struct Webhook: Sendable, Equatable, Identifiable {
    public var id: String
    public var name: String
    public var url: String
    /// nil means deliveries carry no signature header.
    public var secret: String?
    public var events: [EventType]
    public var active: Bool
    public var createdAt: Date
    public var updatedAt: Date
    /// Bumped by every update; an edit names the version it read so a stale edit is refused.
    public var version: Int
    /// Until when the secret this one replaced still signs beside it (rotation overlap);
    /// nil when none does. Not part of the SPEC's JSON form.
    public var previousSecretUntil: Date?
    /// The replaced secrets that sign beside `secret` until `previousSecretUntil`, newest
    /// first (up to three). Not part of the SPEC's JSON form.
    public var previousSecrets: [String] = []
    /// Why hookdash itself set the webhook inactive (the endpoint answered 410 Gone, or every
    /// attempt failed for days); nil otherwise. Not part of the SPEC's JSON form.
    public var disabledReason: String?

    public init(
        id: String, name: String, url: String, secret: String?, events: [EventType], active: Bool,
        createdAt: Date, updatedAt: Date, version: Int = 1
    ) {
        self.id = id
        self.name = name
        self.url = url
        self.secret = secret
        self.events = events
        self.active = active
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    /// "the previous secret also signs" or "the 2 previous secrets also sign", for messages.
    public var previousSecretsSign: String {
        previousSecrets.count > 1 ? "the \(previousSecrets.count) previous secrets also sign" : "the previous secret also signs"
    }

    /// "Active", "Inactive" (an operator paused it) or "Disabled" (hookdash did, saying why).
    public var statusWord: String { Self.statusWord(active: active, disabledReason: disabledReason) }

    public static func statusWord(active: Bool, disabledReason: String?) -> String {
        active ? "Active" : disabledReason == nil ? "Inactive" : "Disabled"
    }

    public var fields: ValidWebhook {
        ValidWebhook(name: name, url: url, secret: secret, events: events, active: active)
    }

    /// This webhook with its editable fields replaced; id, timestamps and version untouched.
    public func with(_ fields: ValidWebhook) -> Webhook {
        var copy = self
        copy.name = fields.name
        copy.url = fields.url
        copy.secret = fields.secret
        copy.events = fields.events
        copy.active = fields.active
        return copy
    }

    public var draft: WebhookDraft {
        WebhookDraft(name: name, url: url, secret: secret ?? "", events: events.map(\.rawValue), active: active)
    }

    /// The JSON form of SPEC §1, keys in the SPEC's order.
    public var json: JSONValue {
        .object([
            ("id", .string(id)),
            ("url", .string(url)),
            ("name", .string(name)),
            ("active", .bool(active)),
            ("events", .array(events.map { .string($0.rawValue) })),
            ("createdAt", .string(Timestamp.iso8601(createdAt))),
            ("updatedAt", .string(Timestamp.iso8601(updatedAt))),
            ("secret", secret.map { .string($0) } ?? .null),
        ])
    }

    public static let jsonKeys = ["id", "url", "name", "active", "events", "createdAt", "updatedAt", "secret"]
}

/// What a person typed, before validation: every entry point (form, CLI, import) fills one.
public struct WebhookDraft: Sendable, Equatable {
    public var name: String
    public var url: String
    public var secret: String
    public var events: [String]
    public var active: Bool

    public init(name: String = "", url: String = "", secret: String = "", events: [String] = [], active: Bool = true) {
        self.name = name
        self.url = url
        self.secret = secret
        self.events = events
        self.active = active
    }
}

/// The fields of a webhook after validation: normalised and guaranteed to satisfy SPEC §1.
public struct ValidWebhook: Sendable, Equatable {
    public let name: String
    public let url: String
    public let secret: String?
    public let events: [EventType]
    public let active: Bool

    // Internal so that only the validator (and stored records) can vouch for these values.
    init(name: String, url: String, secret: String?, events: [EventType], active: Bool) {
        self.name = name
        self.url = url
        self.secret = secret
        self.events = events
        self.active = active
    }
}
