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
