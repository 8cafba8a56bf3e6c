import ArgumentParser
import Foundation
import HookdashConsole
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

struct DeliveriesListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List deliveries, newest first.",
        discussion: """
        Examples:
          hookdash deliveries
          hookdash deliveries --webhook 3f2a9c1e --status failed --json
          hookdash deliveries --status failed --since 2h
        """)

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: "Only deliveries to this webhook (id or unique prefix).")
    var webhook: String?

    @Option(name: .long, help: "pending, succeeded, failed or cancelled.")
    var status: String?

    @Option(name: .long, help: ArgumentHelp(SinceOption.help, valueName: "duration|time"))
    var since: SinceOption?

    @Option(name: .long, help: "At most this many.")
    var limit: Int = 50

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func validate() throws {
        if let status, DeliveryStatus(rawValue: status) == nil {
            throw ValidationError("--status must be one of pending, succeeded, failed, cancelled")
        }
    }

    func run() throws {
        try ErrorReporter.guarded {
            let queue = try store.openQueue()
            let deliveries = try queue.deliveries(
                webhookID: try webhook.map(resolveWebhookID), status: status.flatMap(DeliveryStatus.init),
                since: since?.start(Date()), limit: max(1, limit))
            if json {
                printJSON(deliveries.map(deliveryJSON))
                return
            }
            guard !deliveries.isEmpty else {
                print("No deliveries.")
                return
            }
            let now = Date()
            var table = TextTable(headers: ["ID", "CREATED", "EVENT", "STATUS", "TRIES", "RESULT"])
            table.rows = deliveries.map { delivery in
                [
                    delivery.id, Timestamp.iso8601(delivery.createdAt), delivery.eventType + (delivery.liveMode ? "" : " (test)"),
                    delivery.status.rawValue, String(delivery.attemptCount),
                    // The error text comes from the endpoint.
                    TerminalSafe.text(StoreRows.delivery(delivery).result(now: now)),
                ]
            }
            print(table.render())
        }
    }

    /// A unique prefix names a webhook as everywhere else; an id no webhook has any more
    /// still finds that deleted webhook's history.
    private func resolveWebhookID(_ text: String) throws -> String {
        do {
            return try store.openStoreForReading().webhook(idOrPrefix: text).id
        } catch StoreError.notFound {
            return text
        }
    }
}

struct DeliveriesShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a delivery with every attempt's request and response.",
        discussion: """
        Examples:
          hookdash deliveries show 6f1c2a0e-…
          hookdash deliveries show 6f1c2a0e-… --json
        """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "Delivery id.")
    var id: String

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() throws {
        try ErrorReporter.guarded {
            let queue = try store.openQueue()
            guard let delivery = try queue.delivery(id: id) else {
                throw MissingInput(message: "no delivery with id \(id)")
            }
            let attempts = try queue.attempts(deliveryID: id)
            let body = try queue.message(id: delivery.messageID).map { String(decoding: $0.body, as: UTF8.self) } ?? ""
            if json {
                var object = deliveryJSON(delivery)
                object["requestBody"] = body
                object["attemptLog"] = attempts.map { attempt -> [String: Any] in
                    [
                        "number": attempt.number, "trigger": attempt.trigger.rawValue,
                        "startedAt": DeliveryEnvelope.iso8601(attempt.startedAt),
                        "durationMs": attempt.durationMilliseconds, "url": attempt.requestURL,
                        "requestHeaders": attempt.requestHeaders.map { [$0.name, $0.value] },
                        "responseStatus": attempt.responseStatus ?? NSNull(),
                        "responseHeaders": attempt.responseHeaders.map { [$0.name, $0.value] },
                        "responseBody": attempt.responseBody.map { String(decoding: $0, as: UTF8.self) } ?? NSNull(),
                        "errorClass": attempt.errorClass?.rawValue ?? NSNull(),
                        "error": attempt.errorText ?? NSNull(),
                    ]
                }
                printJSON(object)
                return
            }
            print("Delivery \(delivery.id)")
            print("  message   \(delivery.messageID) (\(delivery.eventType), \(delivery.liveMode ? "live" : "test"))")
            print("  webhook   \(delivery.webhookID)")
            print("  status    \(delivery.status.rawValue) after \(Wording.count(delivery.attemptCount, "attempt", "attempts"))")
            if let next = delivery.nextAttemptAt, delivery.status == .pending {
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
}
