import Foundation
import Testing

/// Events nobody subscribes to are stored, and the person emitting them is told why nothing
/// will arrive anywhere.
@Suite("CLI: events nobody subscribes to")
struct NobodySubscribesTests {
    @Test func emitAndSimulateSayNothingWillBeDelivered() throws {
        let sandbox = try Sandbox()
        // A database with no webhook (one that does not exist is refused: a mistyped path).
        let gone = try sandbox.createWebhook(name: "Gone", url: "https://gone.example.com/in")
        #expect(try sandbox.run(["webhooks", "delete", gone, "--yes"]).status == 0)
        let emitted = try sandbox.run(["emit", "job.status"], stdin: Data(#"{"id":"j1"}"#.utf8))
        #expect(emitted.status == 0)
        #expect(emitted.stdout.contains("0 deliveries"))
        #expect(emitted.stderr.contains("no active webhook subscribes to job.status"), "\(emitted.stderr)")
        let simulated = try sandbox.run(["simulate", "order"])
        #expect(simulated.status == 0)
        #expect(simulated.stderr.contains("add one with: hookdash webhooks create --name NAME --url URL --event order.status"))

        #expect(try sandbox.run([
            "webhooks", "create", "--name", "Orders", "--url", "https://orders.example.com/in", "--event", "order.status",
        ]).status == 0)
        let delivered = try sandbox.run(["simulate", "order"])
        #expect(delivered.stdout.contains("1 delivery") && delivered.stderr.isEmpty, "\(delivered.stderr)")
    }
}
