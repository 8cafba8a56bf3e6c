import Foundation
import HookdashStore

/// One finished attempt as the engine hands it to whoever watches (`hookdash serve` prints
/// them), before it is recorded.
public struct AttemptReport: Sendable {
    public let deliveryID: String
    public let eventType: String
    public let url: String
    public let startedAt: Date
    public let durationMilliseconds: Int
    public let statusCode: Int?
    /// Why it failed, when it did (an error text or "HTTP 500").
    public let failure: String?
    public let transition: DeliveryTransition

    init(delivery: ClaimedDelivery, result: AttemptResult, transition: DeliveryTransition) {
        let draft = result.draft
        deliveryID = delivery.deliveryID
        eventType = delivery.eventType
        url = delivery.url
        startedAt = draft.startedAt
        durationMilliseconds = draft.durationMilliseconds
        statusCode = draft.responseStatus
        failure = transition == .succeeded ? nil : draft.summary
        self.transition = transition
    }
}
