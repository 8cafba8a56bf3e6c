import ArgumentParser
import Foundation
import HookdashStore

struct RedeliverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redeliver",
        abstract: "Queue a new manual attempt of a delivery (same message id), due now.",
        discussion: """
        Examples:
          hookdash deliveries --status failed
          hookdash redeliver 6f1c2a0e-…
        """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "Delivery id.")
    var id: String

    func run() throws {
        try ErrorReporter.guarded {
            let queue = try store.openQueue()
            do {
                try queue.redeliver(deliveryID: id)
            } catch QueueError.deliveryNotFound {
                throw MissingInput(message: "no delivery with id \(id)")
            } catch QueueError.webhookNotFound(let webhookID) {
                throw MissingInput(message: "webhook \(webhookID) was deleted; nothing to redeliver to")
            } catch let error as QueueError {
                ErrorReporter.printError(error.description)
                throw ExitCode(75)
            }
            print("Redelivery of \(id) queued; a running console or `hookdash serve` sends it now.")
        }
    }
}
