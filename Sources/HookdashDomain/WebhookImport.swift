import Foundation

/// One webhook read from an import file, already validated.
public struct ImportedWebhook: Sendable, Equatable {
    /// nil when the file gave no id: a new webhook is created.
    public let id: String?
    public let fields: ValidWebhook
    public let createdAt: Date?
    public let updatedAt: Date?
    /// The entry has no "secret" / "active" key: an existing webhook keeps its own, instead
    /// of losing its secret or being switched on by an import that never mentioned them.
    public var omitsSecret = false
    public var omitsActive = false
}

/// A problem with one entry of an import file, by its index in the array.
public struct ImportProblem: Sendable, Equatable, CustomStringConvertible {
    public let index: Int?
    public let field: String?
    public let message: String

    public var description: String {
        var parts: [String] = []
        if let index { parts.append("entry \(index)") }
        if let field { parts.append(field) }
        return (parts.isEmpty ? "" : parts.joined(separator: ", ") + ": ") + message
    }
}

public struct ImportFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let problems: [ImportProblem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Reads the export format (a JSON array of SPEC §1 objects) all-or-nothing: every invalid
/// entry is reported, and nothing is returned unless all are valid.
public enum WebhookImport {
    /// How far ahead of this machine's clock an imported time may be.
    static let futureLeeway: TimeInterval = 24 * 3600

    public static func parse(_ data: Data, options: ValidationOptions = .init()) -> Result<[ImportedWebhook], ImportFailure> {
        let document: JSONValue
        do {
            document = try JSONValue.parse(data)
        } catch {
            return .failure(ImportFailure(problems: [ImportProblem(index: nil, field: nil, message: "not valid JSON (\(error))")]))
        }
        guard case let .array(items) = document else {
            return .failure(ImportFailure(problems: [ImportProblem(index: nil, field: nil, message: "expected a JSON array of webhooks")]))
        }
        var problems: [ImportProblem] = []
        var entries: [ImportedWebhook] = []
        var seenIDs: Set<String> = []
        for (index, item) in items.enumerated() {
            let (entry, entryProblems) = parseEntry(item, options: options)
            problems += entryProblems.map { ImportProblem(index: index, field: $0.field, message: $0.message) }
            guard let entry else { continue }
            if let id = entry.id, !seenIDs.insert(id).inserted {
                problems.append(ImportProblem(index: index, field: "id", message: "id \(id) appears more than once in the file"))
            }
            entries.append(entry)
        }
        return problems.isEmpty ? .success(entries) : .failure(ImportFailure(problems: problems))
    }

    private struct EntryProblem {
        let field: String?
        let message: String
    }

    private static func parseEntry(_ item: JSONValue, options: ValidationOptions) -> (ImportedWebhook?, [EntryProblem]) {
        guard case let .object(pairs) = item else { return (nil, [EntryProblem(field: nil, message: "expected a JSON object")]) }
        var problems: [EntryProblem] = []
        for (key, _) in pairs where !Webhook.jsonKeys.contains(key) {
            problems.append(EntryProblem(field: key, message: "unknown key (allowed: \(Webhook.jsonKeys.joined(separator: ", ")))"))
        }
        // Which of two values a reader takes differs between JSON libraries: say so instead.
        var seen: Set<String> = []
        for (key, _) in pairs where !seen.insert(key).inserted {
            problems.append(EntryProblem(field: key, message: "appears twice; keep one"))
        }
        func string(_ key: String, required: Bool) -> String? {
            switch item[key] {
            case let .string(value)?: return value
            case .null?, nil:
                if required { problems.append(EntryProblem(field: key, message: "is required")) }
                return nil
            default:
                problems.append(EntryProblem(field: key, message: "must be a string"))
                return nil
            }
        }
        let id = string("id", required: false)
        if let id, !WebhookID.isValid(id) {
            problems.append(EntryProblem(field: "id", message: "must be a lowercase UUID v4"))
        }
        let name = string("name", required: false) ?? ""
        let url = string("url", required: false) ?? ""
        let secret = string("secret", required: false) ?? ""
        var events: [String] = []
        switch item["events"] {
        case let .array(values)?:
            for value in values {
                if case let .string(name) = value { events.append(name) } else {
                    problems.append(EntryProblem(field: "events", message: "must be an array of event names"))
                }
            }
        case nil, .null?: break
        default: problems.append(EntryProblem(field: "events", message: "must be an array of event names"))
        }
        var active = true
        switch item["active"] {
        case let .bool(value)?: active = value
        case nil: break
        default: problems.append(EntryProblem(field: "active", message: "must be true or false"))
        }
        func date(_ key: String) -> Date? {
            guard let text = string(key, required: false) else { return nil }
            guard let date = Timestamp.parse(text) else {
                problems.append(EntryProblem(field: key, message: "must be an ISO-8601 time such as 2022-04-05T12:46:17Z"))
                return nil
            }
            // A time from the future would win every later import's "newer" check for good,
            // and the next edit after 9999-12-31T23:59:59Z wrote year 10000, which no RFC 3339
            // reader takes. A day's leeway covers clocks that disagree between machines.
            guard date <= Date().addingTimeInterval(Self.futureLeeway) else {
                problems.append(EntryProblem(field: key, message: "is in the future (\(text)), more than a day ahead of this machine's clock"))
                return nil
            }
            return date
        }
        let createdAt = date("createdAt")
        let updatedAt = date("updatedAt")
        if let createdAt, let updatedAt, updatedAt < createdAt {
            problems.append(EntryProblem(field: "updatedAt", message: "is before createdAt"))
        }

        let draft = WebhookDraft(name: name, url: url, secret: secret, events: events, active: active)
        switch WebhookValidator.validate(draft, options: options) {
        case let .failure(failure):
            // A field already said to be of the wrong type needs no second message about its value.
            let named = Set(problems.compactMap(\.field))
            problems += failure.errors.filter { !named.contains($0.field.rawValue) }
                .map { EntryProblem(field: $0.field.rawValue, message: $0.message) }
            return (nil, problems)
        case let .success(fields):
            guard problems.isEmpty else { return (nil, problems) }
            var imported = ImportedWebhook(id: id, fields: fields, createdAt: createdAt, updatedAt: updatedAt)
            imported.omitsSecret = item["secret"] == nil
            imported.omitsActive = item["active"] == nil
            return (imported, [])
        }
    }
}
