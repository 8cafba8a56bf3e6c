import Foundation
import HookdashUI

/// Everything that can change the console: input, and results the runner brings back.
public enum ConsoleAction: Equatable, Sendable {
    case input(InputEvent)
    case tick(Date)
    case webhooksLoaded([WebhookRow])
    /// The first screenful of rows (oldest first) and how many there are in all: start-up draws
    /// from it while the rest loads.
    /// The first screenful; `total` and `widest` are over all webhooks.
    case firstWebhooksLoaded([WebhookRow], total: Int, widest: ColumnWidths)
    case queueUpdated(QueueSummary)
    /// The delivery engine cannot write to the database (why, in words), or can again (nil).
    case queuePaused(String?)
    /// The database file was "removed" or "replaced" under this console.
    case databaseFileLost(String)
    case saved(WebhookRow)
    case saveRejected([FormField: String])
    case saveFailed(String)
    case staleEdit(current: WebhookRow?)
    case deleted(id: String, name: String)
    case deliveriesLoaded(webhookID: String, filter: DeliveryFilter = .all, search: String = "", [DeliveryRow])
    case healthLoaded(webhookID: String, HealthSummary)
    case attemptsLoaded(deliveryID: String, [AttemptRow])
    case secretGenerated(String)
    /// How many failed deliveries `R` would redeliver (those the search matches, if typed).
    case failedCounted(webhookID: String, matching: String, count: Int)
    /// `settles` names the work whose progress toast ("Sending…") this outcome replaces.
    case notify(Toast.Kind, String, settles: String? = nil)
}

/// Work the runner does for the state machine; results come back as actions.
public enum ConsoleEffect: Equatable, Sendable {
    case reloadWebhooks
    case save(FormSubmission)
    case delete(webhookID: String)
    case sendTest(webhookID: String)
    case loadDeliveries(webhookID: String, filter: DeliveryFilter = .all, search: String = "")
    case loadAttempts(deliveryID: String)
    case redeliver(deliveryID: String)
    case redeliverFailed(webhookID: String, matching: String = "")
    /// Counted before `R` asks, so the question names a number, or is not asked for none.
    case countFailed(webhookID: String, matching: String = "")
    case simulate(SimulationKind)
    case generateSecret
    /// Put `text` on the operator's clipboard, then say `confirmation`.
    case copy(String, confirmation: String)
    /// Ctrl-Z: give the terminal back to the shell until `fg`, as any terminal program does.
    case suspend
    /// Ctrl-L: paint the whole screen again (something else wrote on the terminal: an ssh
    /// debug line, a `wall` message) and re-read the store.
    case redraw

    /// The work a progress toast stands for while this effect runs, if it shows one.
    public var progress: String? {
        switch self {
        case .sendTest(let webhookID): Progress.test(webhookID: webhookID)
        case .redeliver(let deliveryID): Progress.redeliver(deliveryID: deliveryID)
        case .simulate: Progress.simulation
        default: nil
        }
    }
}

/// Names for work that shows a progress toast until its outcome arrives, so the outcome
/// replaces it instead of appearing beside a "Sending…" that is no longer true.
public enum Progress {
    public static func test(webhookID: String) -> String { "test " + webhookID }
    public static func redeliver(deliveryID: String) -> String { "redeliver " + deliveryID }
    public static let simulation = "simulation"
}
