import Foundation
import Testing
@testable import HookdashConsole

/// The "Result" column of a delivery: when it retries comes before the error (which is often
/// wider than the column), and an HTTP status is said once.
@Suite struct DeliveryResultTests {
    let now = Fixtures.now

    func row(
        _ status: DeliveryRow.Status, code: Int? = nil, error: String? = nil, attempts: Int = 1, retryIn: TimeInterval? = nil
    ) -> DeliveryRow {
        DeliveryRow(
            id: "d", event: "job.status", messageID: "m", status: status, attemptCount: attempts,
            lastStatusCode: code, lastError: error, createdAt: now.addingTimeInterval(-60),
            nextAttemptAt: retryIn.map { now.addingTimeInterval($0) })
    }

    @Test func aRetryingNetworkFailureSaysWhenItRetriesFirst() {
        let delivery = row(.pending, error: "connection refused by 127.0.0.1:8799 (nothing is listening there)", retryIn: 298)
        #expect(delivery.result(now: now)
            == "retry in 4m · connection refused by 127.0.0.1:8799 (nothing is listening there)")
    }

    @Test func aRetryingHTTPErrorNamesItsStatusOnce() {
        // The store keeps "HTTP 503" as the last error of an answered attempt.
        let delivery = row(.pending, code: 503, error: "HTTP 503", retryIn: 5)
        #expect(delivery.result(now: now) == "HTTP 503 · retry in 5s")
        // Its webhook Inactive, it waits for that, not for the time it was due ("retry now").
        #expect(row(.pending, code: 503, error: "HTTP 503", retryIn: -60).result(now: now, webhookActive: false)
            == "HTTP 503 · waits: webhook Inactive")
        let gone = row(.failed, code: 410, error: "HTTP 410 Gone: the endpoint wants no more webhooks")
        #expect(gone.result(now: now) == "HTTP 410 Gone: the endpoint wants no more webhooks")
    }

    /// A console without --dev leaves a due delivery to a plain http:// URL to a process with
    /// it (the 30 s plain-http grace); "retry now" sat there meanwhile.
    @Test func aDueDeliveryThisConsoleMayNotSendSaysWhatItWaitsFor() {
        #expect(row(.pending, code: 503, error: "HTTP 503", retryIn: -1).result(now: now, waitsForDev: true)
            == "HTTP 503 · waits for a console or serve with --dev")
        #expect(row(.pending, attempts: 0, retryIn: 0).result(now: now, waitsForDev: true)
            == "waits for a console or serve with --dev")
        // Once refused and rescheduled, it says when it retries, as any other.
        #expect(row(.pending, error: "plain http is only allowed to loopback in development mode (--dev)", retryIn: 290)
            .result(now: now, waitsForDev: true).hasPrefix("retry in 4m · plain http"))
    }

    @Test func finishedDeliveries() {
        #expect(row(.delivered, code: 200).result(now: now) == "HTTP 200")
        #expect(row(.failed, code: 500, error: "HTTP 500", attempts: 8).result(now: now) == "HTTP 500")
        #expect(row(.failed, error: "no answer from example.com:443 within 15 s", attempts: 8).result(now: now)
            == "no answer from example.com:443 within 15 s")
        #expect(row(.pending, attempts: 0, retryIn: 0).result(now: now) == "—")
    }
}

/// The details screen's "Secret" field says when a replaced secret still signs.
@Suite struct SecretFieldTests {
    let now = Fixtures.now

    @Test func rotationShowsUntilWhenTheOldSecretSigns() {
        let utc = TimeZone(identifier: "UTC")!
        var webhook = Fixtures.webhooks[0]
        #expect(Painter.secretText(webhook, now: now, zone: utc) == "whsec_… · signed")
        // Just after the change: a span would read "23h", rounded down; the time is exact.
        webhook.previousSecretUntil = now.addingTimeInterval(24 * 3600 - 1)
        #expect(Painter.secretText(webhook, now: now, zone: utc) == "new · old until 11-30 11:59")
        webhook.previousSecretUntil = now.addingTimeInterval(-1)
        #expect(Painter.secretText(webhook, now: now, zone: utc) == "whsec_… · signed")
        webhook.secret = "a plain shared secret"
        #expect(Painter.secretText(webhook, now: now, zone: utc) == "plain text · signed", "not whsec_")
        webhook.secret = ""
        #expect(Painter.secretText(webhook, now: now, zone: utc) == "none (unsigned)")
    }
}

/// A URL column too narrow for its URLs drops "https://", the usual scheme; a plain http://
/// URL keeps its scheme, so the exception still shows in the dashboard.
@Suite struct TableURLTests {
    @Test func onlyTheUsualSchemeIsDropped() {
        #expect(Painter.tableURL("https://api.example.com/hooks", dropScheme: true) == "api.example.com/hooks")
        #expect(Painter.tableURL("HTTPS://api.example.com/hooks", dropScheme: true) == "api.example.com/hooks")
        #expect(Painter.tableURL("http://127.0.0.1:8787/hooks", dropScheme: true) == "http://127.0.0.1:8787/hooks")
        #expect(Painter.tableURL("https://api.example.com/hooks", dropScheme: false) == "https://api.example.com/hooks")
    }
}
