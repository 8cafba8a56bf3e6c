import Foundation
import HookdashDelivery
import HookdashStore

/// The database's share of one delivery, without HTTP: claim due deliveries in batches as the
/// engine does, then record a 2xx attempt for each (same headers and bodies as real ones) in
/// group commits. Tells how much of the engine's CPU per delivery is SQLite and GRDB.
/// `combined`: one transaction records `recordBatch` attempts and claims as many more.
struct QueueCycleBenchmark {
    let messages: Int
    let webhooks: Int
    let claimBatch: Int
    let recordBatch: Int
    /// As the running engine does: each transaction records a batch and leases the next.
    let combined: Bool

    func run() async throws -> String {
        try await BenchDatabase.withTemporary(file: "bench.sqlite") { store, _ in try await measure(store) }
    }

    private func measure(_ store: BenchDatabase) async throws -> String {
        let queue = QueueStore(store.pool)
        for index in 0..<webhooks {
            try store.addWebhook(url: "http://127.0.0.1:9/hooks/\(index)", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        }
        let body = DeliverySamples.testBody(eventType: DeliverySamples.jobStatus, now: Date())
        for _ in 0..<messages {
            _ = try queue.enqueue(NewMessage(eventType: DeliverySamples.jobStatus, liveMode: true, body: body, createdAt: Date()))
        }
        let requestHeaders = [
            RecordedHeader(name: "content-type", value: "application/json"),
            RecordedHeader(name: "user-agent", value: "hookdash/bench"),
            RecordedHeader(name: "webhook-id", value: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"),
            RecordedHeader(name: "webhook-timestamp", value: "1798545600"),
            RecordedHeader(name: "webhook-signature", value: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="),
        ]
        let responseHeaders = [RecordedHeader(name: "content-length", value: "2")]
        func attempts(_ claimed: ArraySlice<ClaimedDelivery>) -> [(AttemptDraft, DeliveryTransition)] {
            claimed.map { delivery in
                (AttemptDraft(
                    deliveryID: delivery.deliveryID, trigger: delivery.trigger, startedAt: Date(),
                    durationMilliseconds: 1, requestURL: delivery.url, requestHeaders: requestHeaders,
                    responseStatus: 200, responseHeaders: responseHeaders, responseBody: Data("ok".utf8),
                    errorClass: nil, errorText: nil), DeliveryTransition.succeeded)
            }
        }
        // As the engine asks: with the other workers' leases counted (none here).
        func claim(_ limit: Int) -> ClaimRequest {
            ClaimRequest(owner: "bench", now: Date(), leaseDuration: 60, limit: limit, heldElsewhere: { _ in [] })
        }
        var claimSeconds = 0.0
        var recordSeconds = 0.0
        var total = 0
        let cpuStart = Measure.processCPUSeconds()
        let start = ContinuousClock.now
        if combined {
            var claimed = try await queue.claimDue(claim(recordBatch))
            while !claimed.isEmpty {
                total += claimed.count
                claimed = try await queue.record(attempts(claimed[...]), owner: "bench", thenClaim: claim(recordBatch)).claimed
            }
        }
        while !combined {
            var t0 = Measure.processCPUSeconds()
            let claimed = try await queue.claimDue(claim(claimBatch))
            claimSeconds += Measure.processCPUSeconds() - t0
            if claimed.isEmpty { break }
            t0 = Measure.processCPUSeconds()
            for chunk in stride(from: 0, to: claimed.count, by: recordBatch) {
                try await queue.record(attempts(claimed[chunk..<min(chunk + recordBatch, claimed.count)]), owner: "bench")
            }
            recordSeconds += Measure.processCPUSeconds() - t0
            total += claimed.count
        }
        let wall = ContinuousClock.now - start
        let cpu = Measure.processCPUSeconds() - cpuStart
        let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        func perDelivery(_ seconds: Double) -> String { String(format: "%.1f µs", 1e6 * seconds / Double(max(total, 1))) }
        let shape = combined
            ? "each transaction recording \(recordBatch) attempts and claiming \(recordBatch) more"
            : "claimed \(claimBatch) at a time, recorded \(recordBatch) per transaction"
        let split = combined ? "" : " (claim \(perDelivery(claimSeconds)), record \(perDelivery(recordSeconds)))"
        return """
            hookdash-bench queue-cycle: \(total) deliveries, \(shape), no HTTP
              wall:   \(String(format: "%.2f", wallSeconds)) s → \(String(format: "%.0f", Double(total) / wallSeconds)) deliveries/s
              CPU:    \(perDelivery(cpu)) per delivery\(split)
            """
    }
}
