import ArgumentParser
import Foundation
import HookdashStore

struct RedeliverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redeliver",
        abstract: "Queue a new manual attempt of a delivery (same message id), due now.",
        discussion: """
        With --failed, every failed delivery (to one webhook with --webhook) gets one,
        for when an endpoint that was down works again.

        Examples:
          hookdash deliveries --status failed
          hookdash redeliver 6f1c2a0e-…
          hookdash redeliver --failed --webhook 3f2a9c1e
          hookdash redeliver --failed --since 6h     (an outage of the last six hours)
        """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "Delivery id, or a message id (the webhook-id a receiver logged) that went to one webhook.")
    var id: String?

    @Flag(name: .long, help: "Redeliver every failed delivery instead of one.")
    var failed = false

    @Option(name: .long, help: "With --failed: only deliveries to this webhook (id or unique prefix).")
    var webhook: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("With --failed, only those created since then" + SinceOption.help.drop(while: { $0 != ":" }), valueName: "duration|time"))
    var since: SinceOption?

    func validate() throws {
        switch (id, failed) {
        case (nil, false): throw ValidationError("name a delivery id, or use --failed")
        case (.some, true): throw ValidationError("use either a delivery id or --failed, not both")
        default: break
        }
        if webhook != nil, !failed { throw ValidationError("--webhook goes with --failed") }
        if since != nil, !failed { throw ValidationError("--since goes with --failed") }
    }

    func run() throws {
        try ErrorReporter.guarded {
            if failed {
                try redeliverFailed()
                return
            }
            let id = id ?? ""
            let queue = try store.openQueueForReading()
            var deliveryID = id
            do {
                deliveryID = try DeliveriesShowCommand.find(id, in: queue).id
                try store.openQueue().redeliver(deliveryID: deliveryID)
            } catch QueueError.deliveryNotFound {
                throw MissingInput(message: "no delivery with id \(id)")
            } catch QueueError.webhookNotFound(let webhookID) {
                throw MissingInput(message: "webhook \(webhookID) was deleted; nothing to redeliver to")
            } catch let error as QueueError where error.isInactiveWebhook {
                throw InvalidInput(message: Wording.afterPrefix(error.description))
            } catch let error as QueueError {
                ErrorReporter.printError(Wording.afterPrefix(error.description))
                throw ExitCode(ExitStatus.tryAgain)
            }
            // Named by its delivery id, which `deliveries show` takes, even when a message id was given.
            let named = deliveryID == id ? "delivery \(id)" : "delivery \(deliveryID) (message \(id))"
            print("Redelivery of \(named) queued; a running console or `hookdash serve` sends it now.")
        }
    }

    private func redeliverFailed() throws {
        let webhookID = try webhook.map { try store.openStoreForReading().webhook(idOrPrefix: $0).id }
        let start = since?.start(Date())
        let queue = try store.openExistingQueue()
        let count: Int
        do {
            count = try queue.redeliverFailed(webhookID: webhookID, since: start)
        } catch let error as QueueError where error.isInactiveWebhook {
            throw InvalidInput(message: Wording.afterPrefix(error.description))
        }
        let failedOnes = Wording.count(count, "failed delivery", "failed deliveries")
        print(count == 0
            ? "No failed deliveries to redeliver."
            : "Redelivery of \(failedOnes) queued; a running console or `hookdash serve` sends them now.")
        let left = webhookID == nil ? try queue.failedToInactiveWebhooks(since: start) : 0
        if left > 0 {
            StandardStream.write(
                "hookdash: \(Wording.count(left, "failed delivery", "failed deliveries")) to Inactive webhooks left as "
                    + "\(left == 1 ? "it is" : "they are"); set those webhooks Active first (hookdash webhooks list shows them)\n",
                to: .standardError)
        }
    }
}
