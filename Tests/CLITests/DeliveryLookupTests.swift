import Foundation
import GRDB
import Testing

/// Finding deliveries by the message id a receiver logged (its `webhook-id` header).
@Suite("CLI: deliveries by message id")
struct DeliveryLookupTests {
    @Test func messageIDFindsItsDeliveries() throws {
        let sandbox = try Sandbox()
        for name in ["One", "Two"] {
            #expect(try sandbox.run([
                "webhooks", "create", "--name", name, "--url", "https://\(name.lowercased()).example.com/in", "--event", "job.status",
            ]).status == 0)
        }
        #expect(try sandbox.run([
            "webhooks", "create", "--name", "Orders", "--url", "https://orders.example.com/in", "--event", "order.status",
        ]).status == 0)
        let both = try sandbox.run(["emit", "job.status", "--json"], stdin: Data(#"{"id":"j1"}"#.utf8))
        let shared = try #require(
            (try JSONSerialization.jsonObject(with: Data(both.stdout.utf8)) as? [String: Any])?["messageId"] as? String)
        let single = try sandbox.run(["emit", "order.status", "--json"], stdin: Data(#"{"id":"o1"}"#.utf8))
        let alone = try #require(
            (try JSONSerialization.jsonObject(with: Data(single.stdout.utf8)) as? [String: Any])?["messageId"] as? String)

        let listed = try sandbox.run(["deliveries", "--message", shared, "--json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 2 && rows.allSatisfy { $0["messageId"] as? String == shared })

        let shown = try sandbox.run(["deliveries", "show", alone])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("message   \(alone) (order.status, live)"))
        // A redelivery asked for by message id names the delivery it queued.
        let ofAlone = try #require(
            (try JSONSerialization.jsonObject(with: Data(try sandbox.run(["deliveries", "--message", alone, "--json"]).stdout.utf8))
                as? [[String: Any]])?.first?["id"] as? String)
        let redelivered = try sandbox.run(["redeliver", alone])
        #expect(redelivered.stdout.hasPrefix("Redelivery of delivery \(ofAlone) (message \(alone)) queued"), "\(redelivered.stdout)\(redelivered.stderr)")

        let ambiguous = try sandbox.run(["deliveries", "show", shared])
        #expect(ambiguous.status == 64)
        #expect(ambiguous.stderr.contains("went to 2 webhooks; list its deliveries with: hookdash deliveries --message \(shared)"))

        let unknown = try sandbox.run(["deliveries", "show", "no-such-id"])
        #expect(unknown.status == 66)
        #expect(unknown.stderr.contains("no delivery or message with id no-such-id"))
    }

    /// A delivery another process is sending showed only a due time in the past, as if stuck.
    @Test func aDeliveryBeingSentSaysSoAndByWhom() throws {
        let sandbox = try Sandbox()
        _ = try sandbox.createWebhook(name: "One", url: "https://one.example.com/in")
        #expect(try sandbox.run(["emit", "job.status"], stdin: Data(#"{"id":"j1"}"#.utf8)).status == 0)
        let queue = try DatabaseQueue(path: sandbox.db)
        let id = try queue.write { db in
            try db.execute(sql: "UPDATE deliveries SET leaseOwner = 'buildhost:4242:0badc0de', leaseExpiresAt = ?",
                           arguments: [Date().timeIntervalSince1970 + 60])
            return try String.fetchOne(db, sql: "SELECT id FROM deliveries") ?? ""
        }
        try queue.close()
        let shown = try sandbox.run(["deliveries", "show", id])
        #expect(shown.stdout.contains("  sending   now, by process 4242 on buildhost"), "\(shown.stdout)")
        #expect(!shown.stdout.contains("  next "))
        let json = try sandbox.run(["deliveries", "show", id, "--json"])
        #expect((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["sendingNow"] as? Bool == true)
        let listed = try sandbox.run(["deliveries", "--json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(rows.first?["sendingNow"] as? Bool == true)
    }

    /// Scripts read what went wrong from the error class, not the text: `deliveries --json`
    /// had only the text, and the class was in `deliveries show` per attempt.
    @Test func theListGivesTheLatestAttemptsErrorClass() throws {
        let sandbox = try Sandbox()
        let closed = try Listener(folder: sandbox.folder)
        let port = closed.port
        closed.process.terminate()
        closed.process.waitUntilExit()
        _ = try sandbox.run(["webhooks", "create", "--dev", "--name", "Gone", "--url", "http://127.0.0.1:\(port)/in", "--event", "job.status"])
        #expect(try sandbox.run(["emit", "job.status"], stdin: Data("{}".utf8)).status == 0)
        #expect(try sandbox.run(["emit", "job.status"], stdin: Data("{}".utf8)).status == 0)
        let before = try #require(try JSONSerialization.jsonObject(with: Data(try sandbox.run(["deliveries", "--json"]).stdout.utf8)) as? [[String: Any]])
        #expect(before.allSatisfy { $0["lastErrorClass"] is NSNull }, "no attempt yet")
        #expect(try sandbox.run(["serve", "--dev", "--until-idle"]).status == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(try sandbox.run(["deliveries", "--json"]).stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 2 && rows.allSatisfy { $0["lastErrorClass"] as? String == "refused" }, "\(rows)")
    }

    /// A mistyped webhook id read as "No deliveries." for a webhook that has some.
    @Test func aWebhookIdThatNamesNothingIsSaidSo() throws {
        let sandbox = try Sandbox()
        let id = try sandbox.createWebhook(name: "One", url: "https://one.example.com/in")
        #expect(try sandbox.run(["emit", "job.status"], stdin: Data(#"{"id":"j1"}"#.utf8)).status == 0)
        let typo = try sandbox.run(["deliveries", "--webhook", "zz" + id.dropFirst(2)])
        #expect(typo.status == 66)
        #expect(typo.stderr.contains("no webhook has the id zz"), "\(typo.stderr)")
        // A deleted webhook's deliveries stay listed by its id.
        #expect(try sandbox.run(["webhooks", "delete", id, "--yes"]).status == 0)
        let gone = try sandbox.run(["deliveries", "--webhook", id])
        #expect(gone.status == 0, "\(gone.stderr)")
        #expect(gone.stdout.contains("cancelled"))
        // … and by a prefix, as every other webhook id is taken.
        let byPrefix = try sandbox.run(["deliveries", "--webhook", String(id.prefix(8)), "--json"])
        #expect(byPrefix.status == 0, "\(byPrefix.stderr)")
        #expect(byPrefix.stdout.contains(id))
        // Its filter finding nothing is still an answer, not an error.
        #expect(try sandbox.run(["deliveries", "--webhook", id, "--status", "succeeded"]).stdout.contains("No deliveries."))
        #expect(try sandbox.run(["deliveries", "--limit", "0"]).status == 64)
    }
}
