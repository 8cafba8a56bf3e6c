import ArgumentParser
import Foundation
import HookdashDelivery
import HookdashDomain
import HookdashStore
import Logging

struct WebhookTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Send one test event (liveMode false) per subscribed event now and print each outcome.",
        discussion: """
        Exits non-zero if any test delivery failed. --json prints one object per
        event: event, deliveryId, messageId, succeeded, responseStatus, durationMs,
        errorClass, error.

        Examples:
          hookdash webhooks test 3f2a9c1e
          hookdash webhooks test 3f2a9c1e --json
          hookdash --dev webhooks test 3f2a9c1e   (a webhook on localhost)
        """)

    @Argument(help: "The webhook's id, or 4 or more of its first characters (as webhooks list prints it).")
    var id: String

    @OptionGroup var store: StoreOptions
    @OptionGroup var engineOptions: DeliveryEngineOptions

    @Flag(name: .long, help: "Print the outcomes as a JSON array.")
    var json = false

    func run() async throws {
        try await ErrorReporter.guarded {
            let configuration = try engineOptions.configuration(devMode: store.devMode)
            let webhookStore = try store.openExistingStore()
            let webhook = try webhookStore.webhook(idOrPrefix: id)
            let queue = QueueStore(webhookStore.dbPool)
            let results = try queue.enqueueTest(webhookID: webhook.id)
            let deliveryIDs = results.flatMap(\.deliveryIDs)
            let engine = DeliveryEngine(queue: queue, configuration: configuration, logger: Logger.deliveryLog(path: store.deliveryLogPath))
            await engine.processDue(onlyIDs: deliveryIDs)
            await engine.shutdown()
            // A `serve` or console on the same database may take a test delivery first (it
            // polls for due work): its attempt is this test's outcome, so wait for it rather
            // than report a failure (1 run in 20 beside a busy serve).
            let deadline = ContinuousClock.now + configuration.requestTimeout + .seconds(5)
            while ContinuousClock.now < deadline,
                  try deliveryIDs.contains(where: { try queue.attempts(deliveryID: $0).isEmpty }) {
                try await Task.sleep(for: .milliseconds(100))
            }

            var outcomes: [TestOutcome] = []
            for deliveryID in deliveryIDs {
                let delivery = try queue.delivery(id: deliveryID)
                let attempt = try queue.attempts(deliveryID: deliveryID).last
                outcomes.append(TestOutcome(
                    deliveryID: deliveryID, messageID: delivery?.messageID ?? "", eventType: delivery?.eventType ?? "",
                    attempt: attempt))
            }
            if json {
                JSONOutput.print(.array(outcomes.map(\.json)))
            } else {
                outcomes.forEach { print($0.line) }
            }
            if outcomes.isEmpty || outcomes.contains(where: { !$0.succeeded }) { throw ExitCode(1) }
        }
    }
}

/// One test delivery's result, for both output forms.
struct TestOutcome {
    let deliveryID: String
    let messageID: String
    let eventType: String
    /// nil when another worker took the delivery and had not finished its attempt in time.
    let attempt: AttemptRecord?

    var succeeded: Bool { attempt?.succeeded ?? false }

    /// Why an attempt failed: the error, else the status that was not 2xx.
    var failureReason: String? {
        attempt.flatMap { $0.succeeded ? nil : $0.errorText ?? "HTTP \($0.responseStatus ?? 0)" }
    }

    var line: String {
        guard let attempt else {
            return "✗ \(eventType): another process on this database is sending it and had not finished within the time limit"
        }
        if attempt.succeeded {
            return "✓ \(eventType): HTTP \(attempt.responseStatus ?? 0) in \(attempt.durationMilliseconds) ms"
        }
        // Error texts can quote the endpoint (a redirect's Location).
        return "✗ \(eventType): \(TerminalSafe.text(failureReason ?? "")) (\(attempt.durationMilliseconds) ms)"
    }

    var json: JSONValue {
        .object([
            ("event", .string(eventType)),
            ("deliveryId", .string(deliveryID)),
            ("messageId", .string(messageID)),
            ("succeeded", .bool(succeeded)),
            // Named as in `deliveries show`, where "status" is the delivery's own.
            ("responseStatus", attempt?.responseStatus.map(JSONValue.integer) ?? .null),
            ("durationMs", attempt.map { .integer($0.durationMilliseconds) } ?? .null),
            ("errorClass", attempt?.errorClass.map { .string($0.rawValue) } ?? .null),
            ("error", failureReason.map(JSONValue.string) ?? .null),
        ])
    }
}
