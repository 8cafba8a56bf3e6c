import Foundation
@testable import HookdashConsole
import HookdashUI

/// Reproducible states for screen and update tests.
enum Fixtures {
    static let now = Date(timeIntervalSince1970: 1_795_953_600) // 2026-11-29 12:00:00 UTC

    static func state(width: Int = 80, height: Int = 24) -> ConsoleState {
        var state = ConsoleState(width: width, height: height, databasePath: "/srv/hookdash/hookdash.sqlite", now: now)
        state.timeZone = TimeZone(identifier: "UTC")!
        state.queue = QueueSummary(running: true, inFlight: 1, due: 2, waiting: 3, failed: 1)
        return state
    }

    static let webhooks: [WebhookRow] = [
        WebhookRow(id: "11111111-1111-4111-8111-111111111111", name: "Billing", url: "https://billing.example.com/hooks/up42",
                   secret: "whsec_c2VjcmV0", events: ["job.status", "order.status"], active: true,
                   createdAt: now.addingTimeInterval(-86_400 * 3), updatedAt: now.addingTimeInterval(-3_600),
                   lastDelivery: LastDelivery(outcome: .succeeded(statusCode: 200), at: now.addingTimeInterval(-180))),
        WebhookRow(id: "22222222-2222-4222-8222-222222222222", name: "Orders → ERP 日本",
                   url: "https://erp.internal.example.org/integrations/webhooks/receive/orders/v2?tenant=acme",
                   events: ["order.status"], active: true,
                   lastDelivery: LastDelivery(outcome: .failed(statusCode: 500), at: now.addingTimeInterval(-7_200))),
        WebhookRow(id: "33333333-3333-4333-8333-333333333333", name: "Staging", url: "https://staging.example.net/h",
                   events: ["job.status"], active: false),
        WebhookRow(id: "44444444-4444-4444-8444-444444444444", name: "Slack relay", url: "https://relay.example.com/slack",
                   events: ["job.status"], active: true,
                   lastDelivery: LastDelivery(outcome: .failed(statusCode: nil, reason: "refused"), at: now.addingTimeInterval(-40))),
    ]

    static func loaded(width: Int = 80, height: Int = 24) -> ConsoleState {
        var state = state(width: width, height: height)
        state = update(state, .webhooksLoaded(webhooks)).0
        return state
    }

    static let deliveries: [DeliveryRow] = [
        DeliveryRow(id: "d3", event: "job.status", messageID: "m3", status: .pending, attemptCount: 1, lastStatusCode: 503,
                    createdAt: now.addingTimeInterval(-60), nextAttemptAt: now.addingTimeInterval(240)),
        DeliveryRow(id: "d2", event: "order.status", messageID: "m2", liveMode: false, status: .delivered, attemptCount: 1,
                    lastStatusCode: 200, createdAt: now.addingTimeInterval(-600)),
        DeliveryRow(id: "d1", event: "job.status", messageID: "8e3bfae9-ac06-4a0a-beae-653b2d56f69f", status: .failed,
                    attemptCount: 8, lastError: "connection refused", createdAt: now.addingTimeInterval(-90_000)),
    ]

    static let attempt = AttemptRow(
        number: 1, startedAt: now.addingTimeInterval(-600), durationMilliseconds: 42, statusCode: 200,
        requestHeaders: [("content-type", "application/json"), ("webhook-id", "m2")],
        requestBody: "{\n  \"event\": \"order.status\",\n  \"liveMode\": false\n}",
        responseHeaders: [("content-length", "2")], responseBody: "ok")

    static func apply(_ state: ConsoleState, _ actions: [ConsoleAction]) -> (ConsoleState, [ConsoleEffect]) {
        var current = state
        var effects: [ConsoleEffect] = []
        for action in actions {
            let (next, more) = update(current, action)
            current = next
            effects += more
        }
        return (current, effects)
    }

    static func keys(_ keys: Key...) -> [ConsoleAction] { keys.map { .input(.key($0)) } }
    static func type(_ text: String) -> [ConsoleAction] { text.map { .input(.key(.character($0))) } }
}
