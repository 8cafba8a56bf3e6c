/// The fields a message can name.
public enum WebhookField: String, Sendable, CaseIterable {
    case id, name, url, secret, events, active, createdAt, updatedAt

    /// How the field is called on screen and in CLI messages.
    public var label: String {
        switch self {
        case .id: "ID"
        case .name: "Name"
        case .url: "URL"
        case .secret: "Secret"
        case .events: "Events"
        case .active: "Status"
        case .createdAt: "createdAt"
        case .updatedAt: "updatedAt"
        }
    }
}

public struct FieldError: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: WebhookField
    public let message: String

    public init(field: WebhookField, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field.rawValue): \(message)" }
}

/// Every broken field at once, so a person fixes them in one pass.
public struct ValidationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let errors: [FieldError]

    public init(errors: [FieldError]) { self.errors = errors }

    public func message(for field: WebhookField) -> String? {
        errors.first { $0.field == field }?.message
    }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

public struct ValidationOptions: Sendable, Equatable {
    /// Development mode allows plain http:// to loopback hosts for local receivers.
    public var devMode: Bool

    public init(devMode: Bool = false) { self.devMode = devMode }
}

/// The one validation function behind the form, the CLI and import (SPEC §1).
public enum WebhookValidator {
    public static let maxNameLength = 100
    public static let maxURLLength = 2048
    public static let maxSecretLength = 256

    public static func validate(_ draft: WebhookDraft, options: ValidationOptions = .init()) -> Result<ValidWebhook, ValidationFailure> {
        var errors: [FieldError] = []
        let name = validateName(draft.name, into: &errors)
        let url = validateURL(draft.url, options: options, into: &errors)
        let secret = validateSecret(draft.secret, into: &errors)
        let events = validateEvents(draft.events, into: &errors)
        guard errors.isEmpty, let name, let url, let events else { return .failure(ValidationFailure(errors: errors)) }
        return .success(ValidWebhook(name: name, url: url, secret: secret, events: events, active: draft.active))
    }

    static func validateName(_ raw: String, into errors: inout [FieldError]) -> String? {
        let name = raw.trimmingWhitespace()
        // A name of zero-width characters only (U+200B, U+2060, U+FEFF) would show as nothing.
        let isInvisible = !name.unicodeScalars.contains { !$0.properties.isWhitespace && $0.properties.generalCategory != .format }
        if name.isEmpty || isInvisible {
            errors.append(FieldError(field: .name, message: "Name is required"))
            return nil
        }
        if name.unicodeScalars.contains(where: \.isControlCharacter) {
            errors.append(FieldError(field: .name, message: "Name contains control characters"))
            return nil
        }
        if name.count > maxNameLength {
            errors.append(FieldError(field: .name, message: "Name is too long (max \(maxNameLength))"))
            return nil
        }
        return name
    }

    static func validateURL(_ raw: String, options: ValidationOptions, into errors: inout [FieldError]) -> String? {
        switch URLRules.check(raw.trimmingWhitespace(), devMode: options.devMode) {
        case let .success(url): return url
        case let .failure(problem):
            errors.append(FieldError(field: .url, message: problem.message))
            return nil
        }
    }

    static func validateSecret(_ secret: String, into errors: inout [FieldError]) -> String? {
        if secret.isEmpty { return nil }
        if secret.unicodeScalars.contains(where: { !(0x21...0x7E).contains($0.value) }) {
            errors.append(FieldError(field: .secret, message: "Secret may hold only printable ASCII, no spaces"))
            return nil
        }
        if secret.count > maxSecretLength {
            errors.append(FieldError(field: .secret, message: "Secret is too long (max \(maxSecretLength))"))
            return nil
        }
        if secret.hasPrefix("whsec_"), Base64.decode(String(secret.dropFirst(6)))?.isEmpty ?? true {
            errors.append(FieldError(field: .secret, message: "Secret starting with whsec_ must be base64 after the prefix"))
            return nil
        }
        return secret
    }

    static func validateEvents(_ raw: [String], into errors: inout [FieldError]) -> [EventType]? {
        let names = raw.map { $0.trimmingWhitespace() }
        if names.isEmpty || names.allSatisfy(\.isEmpty) {
            errors.append(FieldError(field: .events, message: "Select at least one event"))
            return nil
        }
        var events: [EventType] = []
        for name in names {
            guard let event = EventType(rawValue: name) else {
                let known = EventType.allCases.map(\.rawValue).joined(separator: ", ")
                let shown = name.isEmpty ? "(empty)" : "\"\(name.prefix(40))\""
                errors.append(FieldError(field: .events, message: "Unknown event \(shown) (known: \(known))"))
                return nil
            }
            if !events.contains(event) { events.append(event) }
        }
        return events.sorted()
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}

extension Unicode.Scalar {
    /// C0, DEL, C1 and the line/paragraph separators: all break a one-line table cell.
    var isControlCharacter: Bool {
        properties.generalCategory == .control || value == 0x2028 || value == 0x2029 || isBidiControl
    }

    /// Direction marks, embeddings, overrides and isolates: invisible, yet they reorder the
    /// text after them — a name could make a table row read backwards.
    var isBidiControl: Bool {
        (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value) || value == 0x200E || value == 0x200F
            || value == 0x061C
    }
}
