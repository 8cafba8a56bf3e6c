import Foundation
import Testing

/// Scripts emit from several processes at once (cron jobs, CI steps, a loop with `&`): every
/// one of them must get its event queued, never "database is locked".
@Suite("CLI: processes sharing one database")
struct ConcurrentProcessTests {
    @Test("emits from four processes at once are all queued")
    func concurrentEmits() throws {
        let sandbox = try Sandbox()
        let created = try sandbox.run([
            "webhooks", "create", "--name", "Jobs", "--url", "https://example.com/hooks", "--event", "job.status",
        ])
        #expect(created.status == 0, "\(created.stderr)")
        let body = sandbox.write("body.json", #"{"jobId":"job_1","status":"RUNNING"}"#)

        let processes = 4, emitsEach = 50
        let database = sandbox.db
        let failures = NSLock()
        nonisolated(unsafe) var failed: [String] = []
        DispatchQueue.concurrentPerform(iterations: processes) { _ in
            for _ in 0..<emitsEach {
                do {
                    let result = try CLIHarness.run(["emit", "job.status", "--file", body, "--db", database])
                    if result.status != 0 {
                        failures.withLock { failed.append("exit \(result.status): \(result.stderr)") }
                    }
                } catch {
                    failures.withLock { failed.append("\(error)") }
                }
            }
        }
        #expect(failed.isEmpty, "\(failed.count) emits failed, first: \(failed.first ?? "")")

        let listed = try sandbox.run(["deliveries", "--json", "--limit", "1000"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let deliveries = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(deliveries.count == processes * emitsEach)
        #expect(Set(deliveries.compactMap { $0["messageId"] as? String }).count == processes * emitsEach)
    }
}

/// `webhooks test` beside a `serve` on the same database.
@Suite("CLI: webhooks test beside serve")
struct WebhookTestBesideServeTests {
    /// Behind a `serve` holding all 4 of the endpoint's slots with a backlog queued there, the
    /// test command first printed "not attempted (another worker holds it)" and exited 1, then
    /// waited out the backlog and failed on its time limit. A test someone is waiting for goes
    /// out at once, beside serve's 4.
        @Test func aTestDeliverySentByServeIsReportedAsItsOutcome() throws {
        let sandbox = try Sandbox()
        let listener = try Listener(folder: sandbox.folder, extra: ["--delay", "1500"])
        let id = try sandbox.createWebhook(name: "Slow", url: "http://127.0.0.1:\(listener.port)/hooks")
        for _ in 0..<12 { #expect(try sandbox.run(["emit", "job.status"], stdin: Data("{}".utf8)).status == 0) }
        let serve = Process()
        serve.executableURL = URL(fileURLWithPath: CLIHarness.binary)
        serve.arguments = ["serve", "--dev", "--until-idle", "--db", sandbox.db]
        serve.standardOutput = FileHandle.nullDevice
        serve.standardError = FileHandle.nullDevice
        try serve.run()
        defer { serve.terminate(); serve.waitUntilExit() }
        // serve has leased the 4 deliveries, filling the endpoint's slots.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, try sandbox.run(["deliveries", "--json"]).stdout.components(separatedBy: "\"sendingNow\": true").count < 5 {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let tested = try sandbox.run(["webhooks", "test", id, "--dev"])
        #expect(tested.status == 0, "\(tested.stdout)\(tested.stderr)")
        #expect(tested.stdout.hasPrefix("✓ job.status: HTTP 200"), "\(tested.stdout)")
        let sent = try sandbox.run(["deliveries", "--status", "succeeded", "--json"]).stdout
        #expect(sent.components(separatedBy: "\"liveMode\": true").count - 1 <= 8, "ahead of most of the backlog: \(sent)")
    }
}
