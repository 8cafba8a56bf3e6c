import AsyncHTTPClient
import Foundation
import NIOCore
import GRDB
import HookdashDelivery
import HookdashReceiver
import HookdashStore

/// Measures, in one run: enqueue fan-out rate, signed+recorded deliveries per second to a
/// loopback receiver (in its own process), and that receiver's ceiling under `wrk` with the
/// same body.
struct DeliveryBenchmark {
    let messages: Int
    let webhooks: Int
    let wrkSeconds: Int
    let concurrency: Int
    /// Measures what the store's `synchronous = FULL` (every commit synced, so it survives a
    /// power cut) costs against NORMAL (GRDB's WAL default: durable across a crash or SIGKILL
    /// of the process, the WAL synced only at checkpoints).
    let synchronousNormal: Bool
    /// The earlier setup: receiver inside the benchmark process.
    let inProcessReceiver: Bool

    static let wrkPath = "/usr/bin/wrk"

    func run() async throws -> String {
        // Checked first: the ceiling is measured last, after everything else has run.
        guard FileManager.default.isExecutableFile(atPath: Self.wrkPath) else { throw BenchError.wrkMissing(path: Self.wrkPath) }
        return try await BenchDatabase.withTemporary(file: "bench.sqlite") { store, folder in
            try await measure(store, folder: folder)
        }
    }

    private func measure(_ store: BenchDatabase, folder: URL) async throws -> String {
        let queue = QueueStore(store.pool)
        if synchronousNormal {
            try await store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        }
        let receiver: any BenchReceiver = inProcessReceiver
            ? InProcessReceiver(receiver: try await Receiver.start(keepsRequests: false))
            : try ReceiverProcess.launch()
        for index in 0..<webhooks {
            try store.addWebhook(url: receiver.url(path: "/hooks/\(index)"), secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        }
        let body = DeliverySamples.testBody(eventType: DeliverySamples.jobStatus, now: Date())

        // Fan-out: each emit is its own transaction, as `hookdash emit` does it.
        let fanOutStart = ContinuousClock.now
        for _ in 0..<messages {
            try queue.enqueue(NewMessage(eventType: DeliverySamples.jobStatus, liveMode: true, body: body, createdAt: Date()))
        }
        let fanOutSeconds = Measure.seconds(ContinuousClock.now - fanOutStart)
        let deliveries = messages * webhooks

        // Delivery: one engine drains the queue; every attempt is signed and recorded.
        let configuration = DeliveryConfiguration.development(
            DeliveryConfiguration(concurrency: concurrency, perEndpoint: concurrency))
        // Logging every attempt to a file, as `hookdash serve` and the console do.
        let engine = DeliveryEngine(
            queue: queue, configuration: configuration,
            logger: .deliveryLog(path: folder.appendingPathComponent("bench.sqlite.delivery.log").path))
        let deliveryStart = ContinuousClock.now
        let delivery = await Measured.run(receiver) { await engine.runUntilIdle() }
        let deliverySeconds = Measure.seconds(ContinuousClock.now - deliveryStart)
        // CPU time is steadier than wall time on a shared machine (meaningful with the receiver
        // in its own process: then it is the engine's alone).
        let cpuSeconds = delivery.processCPU
        let succeeded = try queue.deliveries(webhookID: nil, status: .succeeded, limit: Int.max).count
        let received = receiver.requestCount

        // The HTTP client alone, same receiver, body and concurrency: no database, no signing.
        let client = try await Measured.run(receiver) {
            try await clientOnlyRate(url: receiver.url(path: "/hooks/0"), body: body, requests: deliveries)
        }
        let clientOnly = client.result
        let clientCPU = 1e6 * client.processCPU / Double(deliveries)
        // The floor any Swift client could reach: bare SwiftNIO HTTP/1.1, keep-alive, nothing else.
        let raw = try await Measured.run(receiver) {
            try RawNIOClientRate.measure(
                host: "127.0.0.1", port: receiver.port, path: "/hooks/0", body: body, requests: deliveries,
                concurrency: concurrency)
        }
        let rawNIO = raw.result
        let rawCPU = raw.processCPU

        // Ceiling: the same receiver and body under wrk.
        let envelope = try queue.message(id: try await store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT id FROM messages LIMIT 1")
        } ?? "")?.body ?? body
        let wrk = try await Measured.run(receiver) {
            try runWrk(url: receiver.url(path: "/hooks/0"), body: envelope, folder: folder)
        }
        let ceiling = wrk.result
        await receiver.stop()

        let deliveryRate = Double(succeeded) / deliverySeconds
        let fanOutRate = Double(deliveries) / fanOutSeconds
        return """
            hookdash-bench delivery (\(ProcessInfo.processInfo.activeProcessorCount) cores, synchronous \(synchronousNormal ? "NORMAL" : "FULL (store default)"), receiver \(inProcessReceiver ? "in process" : "in its own process"))
              fan-out:     \(messages) messages × \(webhooks) webhooks = \(deliveries) deliveries enqueued in \(Measure.format(fanOutSeconds)) s → \(Measure.format(fanOutRate)) deliveries/s (\(Measure.format(Double(messages) / fanOutSeconds)) messages/s)
              delivery:    \(succeeded)/\(deliveries) succeeded (receiver saw \(received)) in \(Measure.format(deliverySeconds)) s → \(Measure.format(deliveryRate)) deliveries/s (concurrency \(concurrency), signed + recorded)
              engine CPU:  \(Measure.format(cpuSeconds)) s user+system → \(Measure.format(1e6 * cpuSeconds / Double(max(succeeded, 1)))) µs per delivery
              client only: AsyncHTTPClient POSTs, concurrency \(concurrency), no database → \(Measure.format(clientOnly)) requests/s (\(Measure.format(clientCPU)) µs CPU per request)
              bare NIO:    SwiftNIO HTTP/1.1 POSTs on \(concurrency) keep-alive connections, no pool, no TLS, no timeouts → \(Measure.format(rawNIO)) requests/s (\(Measure.format(1e6 * rawCPU / Double(deliveries))) µs CPU per request)
              ceiling:     wrk \(ceiling.command) → \(Measure.format(ceiling.requestsPerSecond)) requests/s
              ratio:       \(Measure.format(100 * deliveryRate / ceiling.requestsPerSecond)) % of the receiver's ceiling (AsyncHTTPClient alone \(Measure.format(100 * clientOnly / ceiling.requestsPerSecond)) %, bare NIO \(Measure.format(100 * rawNIO / ceiling.requestsPerSecond)) %)
              vs client:   \(Measure.format(100 * deliveryRate / clientOnly)) % of AsyncHTTPClient's own rate (the engine's HTTP client, alone)
            \(CPUBudget(
                cores: ProcessInfo.processInfo.activeProcessorCount, ceiling: ceiling,
                receiverCPUUnderWrk: wrk.receiverCPU,
                receiverCPUPerRequest: [
                    ("from the engine", delivery.receiverCPU, received),
                    ("from AsyncHTTPClient alone", client.receiverCPU, deliveries),
                    ("from bare NIO", raw.receiverCPU, deliveries),
                ],
                engineMicrosecondsPerDelivery: 1e6 * cpuSeconds / Double(max(succeeded, 1))).lines)
            """
    }

    private func clientOnlyRate(url: String, body: Data, requests: Int) async throws -> Double {
        // As many connections as the engine opens to one endpoint (the default is 8).
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = concurrency
        configuration.tracing.tracer = nil  // as the engine's clients
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    for _ in stride(from: worker, to: requests, by: concurrency) {
                        var request = HTTPClientRequest(url: url)
                        request.method = .POST
                        request.headers.add(name: "content-type", value: "application/json")
                        request.body = .bytes(ByteBuffer(bytes: body))
                        let response = try await client.execute(request, timeout: .seconds(15))
                        for try await _ in response.body {}
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = Measure.seconds(ContinuousClock.now - start)
        try await client.shutdown()
        return Double(requests) / elapsed
    }

    private func runWrk(url: String, body: Data, folder: URL) throws -> WrkResult {
        let script = folder.appendingPathComponent("post.lua")
        let escaped = String(decoding: body, as: UTF8.self).replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"")
        try """
            wrk.method = "POST"
            wrk.body = "\(escaped)"
            wrk.headers["content-type"] = "application/json"
            """.write(to: script, atomically: true, encoding: .utf8)
        let arguments = ["-t2", "-c\(concurrency)", "-d\(wrkSeconds)s", "-s", script.path, url]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.wrkPath)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let lines = text.split(separator: "\n")
        let rateLine = lines.first { $0.hasPrefix("Requests/sec:") } ?? ""
        // "  123456 requests in 5.00s, 12.34MB read"
        let countLine = lines.first { $0.contains(" requests in ") } ?? ""
        return WrkResult(
            requestsPerSecond: Double(rateLine.split(separator: " ").last ?? "") ?? 0,
            requests: Int(countLine.split(separator: " ").first ?? "") ?? 0,
            command: "wrk " + arguments.joined(separator: " ").replacingOccurrences(of: script.path, with: "post.lua"))
    }
}

/// One phase's result with the CPU time this process and the receiver spent on it.
struct Measured<Result> {
    let result: Result
    let processCPU: Double
    /// Nil when the receiver shares this process.
    let receiverCPU: Double?

    static func run(_ receiver: any BenchReceiver, _ work: () async throws -> Result) async rethrows -> Measured {
        let processStart = Measure.processCPUSeconds()
        let receiverStart = receiver.cpuSeconds
        let result = try await work()
        let processCPU = Measure.processCPUSeconds() - processStart
        let receiverCPU = receiver.cpuSeconds.flatMap { end in receiverStart.map { end - $0 } }
        return Measured(result: result, processCPU: processCPU, receiverCPU: receiverCPU)
    }
}

struct WrkResult {
    let requestsPerSecond: Double
    let requests: Int
    let command: String
}

/// What reaching half of wrk's ceiling would leave the engine: on a machine where the engine
/// and the receiver share the cores, every request the receiver answers costs it CPU time the
/// engine then does not have.
struct CPUBudget {
    let cores: Int
    let ceiling: WrkResult
    let receiverCPUUnderWrk: Double?
    /// The receiver's CPU time while each client ran, and the requests it answered meanwhile.
    let receiverCPUPerRequest: [(client: String, seconds: Double?, requests: Int)]
    let engineMicrosecondsPerDelivery: Double

    var lines: String {
        guard let underWrk = receiverCPUUnderWrk, ceiling.requests > 0 else {
            return "  budget:      n/a (the receiver's CPU time is measured only in its own process)"
        }
        let receiverPerRequest = underWrk / Double(ceiling.requests)
        var text = "  receiver:    \(Measure.format(1e6 * receiverPerRequest)) µs CPU per request under wrk"
        for (client, seconds, requests) in receiverCPUPerRequest {
            guard let seconds, requests > 0 else { continue }
            text += ", \(Measure.format(1e6 * seconds / Double(requests))) \(client)"
        }
        let halfRate = ceiling.requestsPerSecond / 2
        let receiverCores = halfRate * receiverPerRequest
        let engineBudget = 1e6 * (Double(cores) - receiverCores) / halfRate
        text += "\n  budget:      at 50 % (\(Measure.format(halfRate)) deliveries/s) the receiver needs \(Measure.format(receiverCores)) of \(cores) cores, "
            + "leaving the engine at most \(Measure.format(engineBudget)) µs CPU per delivery (it uses \(Measure.format(engineMicrosecondsPerDelivery)))"
        return text
    }
}
