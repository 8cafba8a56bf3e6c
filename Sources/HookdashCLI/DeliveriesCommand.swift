import ArgumentParser
import Foundation
import HookdashConsole
import HookdashDelivery
import HookdashDomain
import HookdashStore

struct DeliveriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliveries",
        abstract: "List deliveries, newest first.",
        discussion: """
        Examples:
          hookdash deliveries                     (same as: hookdash deliveries list)
          hookdash deliveries show 6f1c2a0e-…
        """,
        subcommands: [DeliveriesListCommand.self, DeliveriesShowCommand.self],
        defaultSubcommand: DeliveriesListCommand.self)
}

struct DeliveriesListCommand: ParsableCommand, OutputIsTheResult {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List deliveries, newest first.",
        discussion: """
        Examples:
          hookdash deliveries
          hookdash deliveries --webhook 3f2a9c1e --status failed --json
          hookdash deliveries --status failed --since 2h
          hookdash deliveries --message 8e3bfae9-…    (a webhook-id a receiver logged)
        """)

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: "Only deliveries to this webhook (id or unique prefix).")
    var webhook: String?

    @Option(name: .long, help: "pending, succeeded, failed or cancelled.")
    var status: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(SinceOption.help, valueName: "duration|time"))
    var since: SinceOption?

    @Option(name: .long, help: "Only the deliveries of this message (the webhook-id header a receiver saw).")
    var message: String?

    // Unconditional, here and on every numeric option: "-1" would otherwise read as an
    // unknown flag ("Missing value for --limit") instead of getting validate()'s message.
    @Option(name: .long, parsing: .unconditional, help: "At most this many (stderr says when more match).")
    var limit: Int = 50

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func validate() throws {
        if let status, DeliveryStatus(rawValue: status) == nil {
            throw ValidationError("--status must be one of pending, succeeded, failed, cancelled")
        }
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        try ErrorReporter.guarded {
            // One read-only connection for the webhooks and their deliveries.
            guard let webhooks = try store.openStoreForReadingIfPresent() else {
                if let webhook { throw MissingInput(message: "no webhook has the id \(webhook): there is no database yet") }
                print(json ? "[]" : "No deliveries.")
                return
            }
            let queue = QueueStore(webhooks.dbPool)
            let resolved = try webhook.map { try resolveWebhookID($0, in: webhooks) }
            // One more than asked tells whether the list was cut.
            var deliveries = try queue.deliveries(
                webhookID: resolved?.id, status: status.flatMap(DeliveryStatus.init),
                since: since?.start(Date()), messageID: message, limit: min(limit, Int.max - 1) + 1)
            let isCut = deliveries.count > limit
            if isCut { deliveries.removeLast() }
            // A mistyped id would otherwise read as "this webhook has no deliveries".
            if let webhook, resolved?.exists == false, deliveries.isEmpty,
               try queue.deliveries(webhookID: resolved?.id, status: nil, limit: 1).isEmpty {
                throw MissingInput(message: "no webhook has the id \(webhook), and no delivery names it")
            }
            if json {
                JSONOutput.print(.array(deliveries.map(deliveryJSON)))
                if isCut { noteCut() }
                return
            }
            guard !deliveries.isEmpty else {
                print("No deliveries.")
                return
            }
            let now = Date()
            // Pending deliveries to an Inactive webhook wait for it, whatever their time says.
            let inactive = Set(try webhooks.list().filter { !$0.active }.map(\.id))
            var table = TextTable(headers: ["ID", "CREATED", "EVENT", "STATUS", "TRIES", "RESULT"])
            table.rows = deliveries.map { delivery in
                [
                    delivery.id, Timestamp.iso8601(delivery.createdAt), delivery.eventType + (delivery.liveMode ? "" : " (test)"),
                    delivery.status.rawValue, String(delivery.attemptCount),
                    // The error text comes from the endpoint.
                    TerminalSafe.text(StoreRows.delivery(delivery).result(now: now, webhookActive: !inactive.contains(delivery.webhookID))),
                ]
            }
            StandardOutput.write(table.render() + "\n")
            if isCut { noteCut() }
        }
    }

    /// On stderr, so the table or JSON on stdout stays as scripts expect it.
    private func noteCut() {
        StandardStream.write("hookdash: the newest \(limit) shown; more match (--limit N shows more)\n", to: .standardError)
    }

    /// A unique prefix names a webhook as everywhere else; an id no webhook has any more
    /// still finds that deleted webhook's history.
    /// A deleted webhook's deliveries stay listed, so an id that names no webhook is still
    /// looked for among them.
    private func resolveWebhookID(_ text: String, in webhooks: WebhookStore) throws -> (id: String, exists: Bool) {
        do {
            return (try webhooks.webhook(idOrPrefix: text).id, true)
        } catch StoreError.notFound {
            let deleted = try QueueStore(webhooks.dbPool).webhookIDsWithDeliveries(prefix: text)
            switch deleted.count {
            case 0: return (text, false)
            case 1: return (deleted[0], false)
            default: throw StoreError.ambiguous(prefix: text, matches: Array(deleted.prefix(2)), more: deleted.count > 2)
            }
        }
    }
}

struct DeliveriesShowCommand: ParsableCommand, OutputIsTheResult {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a delivery with every attempt's request and response.",
        discussion: """
        ID is a delivery id, or a message id (the webhook-id header a receiver saw)
        that went to one webhook.

        Examples:
          hookdash deliveries show 6f1c2a0e-…
          hookdash deliveries show 6f1c2a0e-… --json
        """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "Delivery id, or a message id with one delivery.")
    var id: String

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() throws {
        try ErrorReporter.guarded {
            let queue = try store.openQueueForReading()
            let delivery = try Self.find(id, in: queue)
            let attempts = try queue.attempts(deliveryID: delivery.id)
            let body = try queue.message(id: delivery.messageID).map { String(decoding: $0.body, as: UTF8.self) } ?? ""
            if json {
                let attemptLog = attempts.map { attempt -> JSONValue in
                    .object([
                        ("number", .integer(attempt.number)), ("trigger", .string(attempt.trigger.rawValue)),
                        ("startedAt", .string(DeliveryEnvelope.iso8601(attempt.startedAt))),
                        ("durationMs", .integer(attempt.durationMilliseconds)), ("url", .string(attempt.requestURL)),
                        ("requestHeaders", .array(attempt.requestHeaders.map { .array([.string($0.name), .string($0.value)]) })),
                        ("responseStatus", attempt.responseStatus.map(JSONValue.integer) ?? .null),
                        ("responseHeaders", .array(attempt.responseHeaders.map { .array([.string($0.name), .string($0.value)]) })),
                        ("responseBody", attempt.responseBody.map { .string(String(decoding: $0, as: UTF8.self)) } ?? .null),
                        // The text above replaces bytes that are not UTF-8; these are the bytes as kept.
                        ("responseBodyBase64", attempt.responseBody.flatMap {
                            String(validating: $0, as: UTF8.self) == nil ? .string($0.base64EncodedString()) : nil
                        } ?? .null),
                        ("errorClass", attempt.errorClass.map { .string($0.rawValue) } ?? .null),
                        ("error", attempt.errorText.map(JSONValue.string) ?? .null),
                    ])
                }
                guard case .object(let fields) = deliveryJSON(delivery) else { return }
                JSONOutput.print(.object(fields + [("requestBody", .string(body)), ("attemptLog", .array(attemptLog))]))
                return
            }
            print("Delivery \(delivery.id)")
            print("  message   \(delivery.messageID) (\(delivery.eventType), \(delivery.liveMode ? "live" : "test"))")
            print("  webhook   \(delivery.webhookID)")
            print("  status    \(delivery.status.rawValue) after \(Wording.count(delivery.attemptCount, "attempt", "attempts"))")
            if delivery.isInFlight(at: Date()), let owner = delivery.leaseOwner {
                // Its due time has passed: without this line it looked stuck.
                let by = LeaseOwner.process(of: owner).map { "process \($0.pid) on \($0.host)" } ?? owner
                print("  sending   now, by \(TerminalSafe.text(by))")
            } else if let next = delivery.nextAttemptAt, delivery.status == .pending {
                print("  next      \(DeliveryEnvelope.iso8601(next))")
            }
            print("  body      \(body)")
            for attempt in attempts {
                print("")
                print("Attempt \(attempt.number) (\(attempt.trigger.rawValue)) at \(DeliveryEnvelope.iso8601(attempt.startedAt)), \(attempt.durationMilliseconds) ms")
                print("  POST \(attempt.requestURL)")
                for header in attempt.requestHeaders { print("  > \(header.name): \(header.value)") }
                if let status = attempt.responseStatus {
                    print("  < HTTP \(status)")
                    // The endpoint wrote these: shown, never obeyed by the terminal.
                    for header in attempt.responseHeaders {
                        print("  < \(TerminalSafe.text(header.name)): \(TerminalSafe.text(header.value))")
                    }
                    if let responseBody = attempt.responseBody, !responseBody.isEmpty {
                        print("  < \(TerminalSafe.text(String(decoding: responseBody, as: UTF8.self), keepingLineBreaks: true))")
                        if responseBody.count >= AttemptRecord.keptResponseBytes {
                            print("  < (cut here: hookdash keeps the first \(AttemptRecord.keptResponseBytes / 1024) KiB of a response)")
                        }
                    }
                }
                if let errorClass = attempt.errorClass {
                    print("  ! \(errorClass.rawValue): \(TerminalSafe.text(attempt.errorText ?? ""))")
                } else if let errorText = attempt.errorText {
                    print("  ! \(TerminalSafe.text(errorText))")
                }
            }
        }
    }

    /// A delivery by its id or, when the message went to one webhook, by the message id.
    static func find(_ id: String, in queue: QueueStore) throws -> DeliveryRecord {
        if let delivery = try queue.delivery(id: id) { return delivery }
        let ofMessage = try queue.deliveries(webhookID: nil, status: nil, messageID: id, limit: 100)
        switch ofMessage.count {
        case 0: throw MissingInput(message: "no delivery or message with id \(id)")
        case 1: return ofMessage[0]
        default:
            throw UsageError(message: "message \(id) went to \(ofMessage.count) webhooks; "
                + "list its deliveries with: hookdash deliveries --message \(id)")
        }
    }
}
