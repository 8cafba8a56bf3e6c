import Foundation
import GRDB
import HookdashStore

/// Fills a database with a long history (default 1,000,000 attempts) and times the queries
/// the console runs on every refresh.
struct QueueReadBenchmark {
    let attempts: Int
    let webhooks: Int

    func run() async throws -> String {
        try await BenchDatabase.withTemporary(file: "reads.sqlite") { database, _ in try await measure(database) }
    }

    private func measure(_ database: BenchDatabase) async throws -> String {
        for index in 0..<webhooks {
            try database.addWebhook(url: "https://hooks.example/\(index)", secret: "s")
        }
        let webhookIDs = try await database.pool.read { db in try String.fetchAll(db, sql: "SELECT id FROM webhooks") }
        let deliveries = attempts / 5
        let fillStart = ContinuousClock.now
        try await database.pool.write { db in
            let body = Data(repeating: 0x61, count: 400)
            let message = try db.makeStatement(sql: "INSERT INTO messages VALUES (?, 'job.status', 1, ?, ?)")
            let delivery = try db.makeStatement(sql: """
                INSERT INTO deliveries (id, messageId, webhookId, status, trigger, attemptCount, lastStatusCode,
                    lastAttemptAt, createdAt) VALUES (?, ?, ?, ?, 'scheduled', 5, 500, ?, ?)
                """)
            let attempt = try db.makeStatement(sql: """
                INSERT INTO attempts (deliveryId, number, trigger, startedAt, durationMs, requestUrl, requestHeaders,
                    responseStatus, responseHeaders, responseBody) VALUES (?, ?, 'scheduled', ?, 12, 'https://x', '[]', 500, '[]', NULL)
                """)
            for index in 0..<deliveries {
                let id = "d\(index)", messageID = "m\(index)", time = 1_800_000_000 + Double(index)
                try message.execute(arguments: [messageID, body, time])
                try delivery.execute(arguments: [
                    id, messageID, webhookIDs[index % webhookIDs.count], index % 10 == 0 ? "failed" : "succeeded",
                    time, time,
                ])
                for number in 1...5 { try attempt.execute(arguments: [id, number, time]) }
            }
        }
        let fillSeconds = Measure.seconds(ContinuousClock.now - fillStart)
        let queue = QueueStore(database.pool)
        let sampleWebhook = webhookIDs[0]
        let sampleDelivery = "d\(deliveries / 2)"
        var lines = ["queue reads with \(attempts) attempts, \(deliveries) deliveries, \(webhooks) webhooks (filled in \(Measure.format(fillSeconds)) s)"]
        lines.append(try time("deliveries(webhookID:limit: 50)") { _ = try queue.deliveries(webhookID: sampleWebhook, limit: 50) })
        lines.append(try time("deliveries(status: failed, limit: 50)") {
            _ = try queue.deliveries(webhookID: nil, status: .failed, limit: 50)
        })
        lines.append(try time("deliveries(limit: 50)") { _ = try queue.deliveries(webhookID: nil, status: nil, limit: 50) })
        // The details screen's search reads the webhook's newest `QueueStore.searchWindow`
        // deliveries; text found nowhere reads all of them (the slowest case).
        lines.append(try time("search: nothing matches") {
            _ = try queue.deliveries(webhookID: sampleWebhook, status: nil, matching: "no such text", limit: 200)
        })
        lines.append(try time("search: message id prefix") {
            _ = try queue.deliveries(webhookID: sampleWebhook, status: nil, matching: "m4000", limit: 200)
        })
        lines.append(try time("delivery(id:)") { _ = try queue.delivery(id: sampleDelivery) })
        lines.append(try time("attempts(deliveryID:)") { _ = try queue.attempts(deliveryID: sampleDelivery) })
        lines.append(try time("lastOutcomeByWebhook()") { _ = try queue.lastOutcomeByWebhook() })
        lines.append(try time("queueStats()") { _ = try queue.queueStats() })
        return lines.joined(separator: "\n")
    }

    /// Median of 15 runs after a warm-up.
    private func time(_ label: String, _ body: () throws -> Void) throws -> String {
        try body()
        var samples: [Double] = []
        for _ in 0..<15 {
            let start = ContinuousClock.now
            try body()
            samples.append(Measure.seconds(ContinuousClock.now - start) * 1000)
        }
        samples.sort()
        return "  \(label.padding(toLength: 40, withPad: " ", startingAt: 0)) \(String(format: "%.2f", samples[7])) ms (median)"
    }
}
