import Foundation
import Testing

/// `hookdash redeliver --failed`: once an endpoint works again, everything that failed to
/// it is sent again with the same message ids.
@Suite("CLI: redeliver every failed delivery")
struct RedeliverTests {
    @Test func failedDeliveriesReachTheEndpointOnceItWorks() throws {
        let sandbox = try Sandbox()
        // 410 Gone fails a delivery at once (and sets the webhook Inactive): no ladder to wait out.
        let broken = try Listener(folder: sandbox.folder, respond: 410, name: "broken")
        let id = try sandbox.createWebhook(
            name: "Flaky", url: "http://127.0.0.1:\(broken.port)/hooks", events: ["job.status", "order.status"])
        #expect(try sandbox.run(["emit", "job.status"], stdin: Data("{}".utf8)).status == 0)
        #expect(try sandbox.run(["emit", "order.status"], stdin: Data("{}".utf8)).status == 0)
        #expect(try sandbox.run(["serve", "--dev", "--until-idle"]).status == 0)
        // Test events that failed too: they are not part of the backlog a recovery resends.
        #expect(try sandbox.run(["webhooks", "test", id, "--dev"]).status != 0)
        #expect(try sandbox.run(["deliveries", "--status", "failed", "--json"]).stdout.components(separatedBy: "\"id\"").count == 5)

        // The endpoint moves to a working receiver; the failed ones are redelivered there.
        let fixed = try Listener(folder: sandbox.folder, name: "fixed")
        #expect(try sandbox.run(["webhooks", "edit", id, "--dev", "--active", "--url", "http://127.0.0.1:\(fixed.port)/hooks"]).status == 0)
        let redelivered = try sandbox.run(["redeliver", "--failed", "--webhook", String(id.prefix(8))])
        #expect(redelivered.status == 0, "\(redelivered.stderr)")
        #expect(redelivered.stdout.hasPrefix("Redelivery of 2 failed deliveries queued"), "\(redelivered.stdout)")
        let served = try sandbox.run(["serve", "--dev", "--until-idle"])
        #expect(served.stderr.contains("2 attempts: 2 delivered, 0 to retry, 0 failed"), "\(served.stderr)")
        #expect(fixed.log.components(separatedBy: "POST").count == 3, "\(fixed.log)")
        #expect(!fixed.log.contains("  test  "), "no test event resent: \(fixed.log)")
        #expect(try sandbox.run(["redeliver", "--failed"]).stdout.contains("No failed deliveries to redeliver."))
    }

    /// Inactive webhooks get nothing (SPEC §2): an endpoint that said 410 Gone must not be
    /// sent its failed deliveries again because someone redelivered everything.
    @Test func inactiveWebhooksAreLeftAloneAndSaidSo() throws {
        let sandbox = try Sandbox()
        let broken = try Listener(folder: sandbox.folder, respond: 410, name: "broken")
        let id = try sandbox.createWebhook(name: "Paused", url: "http://127.0.0.1:\(broken.port)/hooks")
        // One delivery fails (410, which also sets the webhook Inactive) …
        #expect(try sandbox.run(["emit", "job.status"], stdin: Data("{}".utf8)).status == 0)
        #expect(try sandbox.run(["serve", "--dev", "--until-idle"]).status == 0)
        // … and one is still pending when the webhook is switched off again.
        #expect(try sandbox.run(["webhooks", "edit", id, "--dev", "--active"]).status == 0)
        #expect(try sandbox.run(["emit", "job.status"], stdin: Data("{}".utf8)).status == 0)
        #expect(try sandbox.run(["webhooks", "edit", id, "--dev", "--inactive"]).status == 0)
        // Its pending delivery waits for it to be Active, whatever time it was due.
        #expect(try sandbox.run(["deliveries", "--status", "pending"]).stdout.contains("waits: webhook Inactive"))

        let all = try sandbox.run(["redeliver", "--failed"])
        #expect(all.status == 0)
        #expect(all.stdout.contains("No failed deliveries to redeliver."), "\(all.stdout)")
        #expect(all.stderr.contains("1 failed delivery to Inactive webhooks left as it is"), "\(all.stderr)")
        let one = try sandbox.run(["redeliver", "--failed", "--webhook", id])
        #expect(one.status == 65)
        #expect(one.stderr.contains("is Inactive, so nothing is sent to it; set it Active first"), "\(one.stderr)")
        // Its URL is http://, which an edit saves only with --dev: the hint says so.
        #expect(one.stderr.contains("--active --dev)"), "\(one.stderr)")
        let deliveryID = try #require(
            (try JSONSerialization.jsonObject(with: Data(try sandbox.run(["deliveries", "--status", "failed", "--json"]).stdout.utf8)) as? [[String: Any]])?
                .first?["id"] as? String)
        #expect(try sandbox.run(["redeliver", deliveryID]).status == 65)
        #expect(broken.log.components(separatedBy: "POST").count == 2, "only the first delivery reached it: \(broken.log)")
    }

    @Test func usageMistakesAreRefused() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.run(["redeliver"]).status == 64)
        #expect(try sandbox.run(["redeliver", "some-id", "--failed"]).status == 64)
        #expect(try sandbox.run(["redeliver", "--webhook", "abcd"]).status == 64)
        #expect(try sandbox.run(["redeliver", "some-id", "--since", "2h"]).status == 64)
        let badSince = try sandbox.run(["redeliver", "--failed", "--since", "yesterday"])
        #expect(badSince.status == 64)
        #expect(badSince.stderr.contains("a duration such as 30m, 2h or 7d, or a time such as 2026-12-01"), "\(badSince.stderr)")
        #expect(try sandbox.run(["deliveries", "--since", "5x"]).status == 64)
        // Like every command that needs webhooks, it creates no database.
        #expect(try sandbox.run(["redeliver", "--failed", "--since", "90m"]).status == 66)
        _ = try sandbox.createWebhook(name: "Any", url: "https://example.com/in")
        #expect(try sandbox.run(["redeliver", "--failed", "--since", "90m"]).status == 0)
        #expect(try sandbox.run(["deliveries", "--since", "2026-11-29T12:00:00Z"]).status == 0)
        let unknown = try sandbox.run(["redeliver", "--failed", "--webhook", "abcd1234"])
        #expect(unknown.status == 66, "\(unknown.stderr)")
    }
}
