import Foundation
import HookdashUI

/// Everything that can change the console: input, and results the runner brings back.
public enum ConsoleAction: Equatable, Sendable {
    case input(InputEvent)
    case tick(Date)
    case webhooksLoaded([WebhookRow])
    /// The first screenful of rows (oldest first) and how many there are in all: start-up draws
    /// from it while the rest loads.
    case firstWebhooksLoaded([WebhookRow], total: Int)
    case queueUpdated(QueueSummary)
    /// The delivery engine cannot write to the database (why, in words), or can again (nil).
    case queuePaused(String?)
    case saved(WebhookRow)
    case saveRejected([FormField: String])
    case saveFailed(String)
    case staleEdit(current: WebhookRow?)
    case deleted(id: String, name: String)
    case deliveriesLoaded(webhookID: String, filter: DeliveryFilter = .all, [DeliveryRow])
    case healthLoaded(webhookID: String, HealthSummary)
    case attemptsLoaded(deliveryID: String, [AttemptRow])
    case secretGenerated(String)
    case notify(Toast.Kind, String)
}

/// Work the runner does for the state machine; results come back as actions.
public enum ConsoleEffect: Equatable, Sendable {
    case reloadWebhooks
    case save(FormSubmission)
    case delete(webhookID: String)
    case sendTest(webhookID: String)
    case loadDeliveries(webhookID: String, filter: DeliveryFilter = .all)
    case loadAttempts(deliveryID: String)
    case redeliver(deliveryID: String)
    case redeliverFailed(webhookID: String)
    case simulate(SimulationKind)
    case generateSecret
    /// Put `text` on the operator's clipboard; `what` names it in the confirmation.
    case copy(String, what: String)
}
