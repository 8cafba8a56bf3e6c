import ArgumentParser
import Foundation
import HookdashDelivery
import HookdashStore

struct WebhookTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Send one test event (liveMode false) per subscribed event now and print each outcome.",
        discussion: """
        Exits non-zero if any test delivery failed.

        Examples:
          hookdash webhooks test 3f2a9c1e
          hookdash --dev webhooks test 3f2a9c1e       (a webhook pointing at localhost)
        """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var engineOptions: DeliveryEngineOptions

    @Argument(help: "Webhook id (or a unique prefix).")
    var id: String

    func run() async throws {
        try await ErrorReporter.guarded {
            let webhookStore = try store.openStore()
            let webhook = try webhookStore.webhook(idOrPrefix: id)
            let queue = QueueStore(webhookStore.dbPool)
            let results = try queue.enqueueTest(webhookID: webhook.id)
            let deliveryIDs = results.flatMap(\.deliveryIDs)
            let engine = DeliveryEngine(
                queue: queue, configuration: engineOptions.configuration(devMode: store.devMode), logger: deliveryLogger(path: store.deliveryLogPath))
            await engine.processDue(onlyIDs: deliveryIDs)
            await engine.shutdown()

            var anyFailed = false
            for deliveryID in deliveryIDs {
                guard let delivery = try queue.delivery(id: deliveryID),
                      let attempt = try queue.attempts(deliveryID: deliveryID).last
                else {
                    anyFailed = true
                    print("\(deliveryID): not attempted (another worker holds it)")
                    continue
                }
                if attempt.succeeded {
                    print("✓ \(delivery.eventType): HTTP \(attempt.responseStatus ?? 0) in \(attempt.durationMilliseconds) ms")
                } else {
                    anyFailed = true
                    let reason = attempt.errorText ?? "HTTP \(attempt.responseStatus ?? 0)"
                    print("✗ \(delivery.eventType): \(reason) (\(attempt.durationMilliseconds) ms)")
                }
            }
            if anyFailed { throw ExitCode(1) }
        }
    }
}
