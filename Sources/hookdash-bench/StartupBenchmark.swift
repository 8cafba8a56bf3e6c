import Foundation
import GRDB
import HookdashConsole
import HookdashDomain
import HookdashStore
import HookdashTerminal
import HookdashUI

/// `hookdash-bench startup [--webhooks N] [--attempts N] [--db PATH] [--binary-runs N] [--binary-only]`:
/// seeds a database (once), runs the measurement in a fresh child process so its peak memory
/// excludes the seeding, then times the real binary's first frame on a pty.
enum StartupBenchmark {
    static func run(arguments: [String]) throws {
        func option(_ name: String, _ fallback: Int) -> Int {
            guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
            return Int(arguments[index + 1]) ?? fallback
        }
        let webhooks = option("--webhooks", 10_000)
        let attempts = option("--attempts", 1_000_000)
        let path: String
        if let index = arguments.firstIndex(of: "--db"), index + 1 < arguments.count {
            path = arguments[index + 1]
        } else {
            path = NSTemporaryDirectory() + "hookdash-startup-\(webhooks)-\(attempts).sqlite"
        }
        if !FileManager.default.fileExists(atPath: path) {
            let started = Date()
            try seed(path: path, webhooks: webhooks, attempts: attempts)
            print(String(format: "seeded %@: %d webhooks, %d attempts in %.1f s", path, webhooks, attempts,
                         Date().timeIntervalSince(started)))
        }
        // `--binary-only` leaves the page cache as it was (after `echo 3 > /proc/sys/vm/drop_caches`
        // the first binary run is a truly cold start).
        if !arguments.contains("--binary-only") {
            let child = Process()
            child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            child.arguments = ["startup-measure", path]
            try child.run()
            child.waitUntilExit()
        }

        // The same database through the real binary, several runs (the first pays for a cold
        // page cache when the seed was not just written).
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("hookdash").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            print("real binary: \(binary) not built; `swift build -c release --product hookdash` measures it too")
            return
        }
        var runs: [Double] = []
        var peaks: [Int] = []
        for _ in 0..<max(1, option("--binary-runs", 5)) {
            let result = try BinaryStartup.measure(binary: binary, databasePath: path)
            runs.append(result.milliseconds)
            if let peak = result.peakKilobytes { peaks.append(peak) }
        }
        let sorted = runs.sorted()
        print(String(format: "real binary, exec to first frame on a 120x40 pty (%d runs): median %.1f ms, min %.1f, max %.1f  [%@]",
                     runs.count, sorted[sorted.count / 2], sorted.first ?? 0, sorted.last ?? 0,
                     runs.map { String(format: "%.0f", $0) }.joined(separator: " ")))
        if let highest = peaks.max() {
            print(String(format: "real binary, peak RSS 0.3 s after the first frame (engine running): up to %.1f MB", Double(highest) / 1024))
        }
    }

    /// One transaction, prepared statements: 4 attempts per delivery, one delivery per message.
    static func seed(path: String, webhooks: Int, attempts: Int) throws {
        let store = try WebhookStore.open(path: path)
        let now = Date().timeIntervalSince1970
        let headers = #"[{"name":"content-type","value":"application/json"}]"#
        let body = Data(#"{"event":"job.status","liveMode":true,"body":{"id":"x","status":"RUNNING"}}"#.utf8)
        try store.dbPool.write { db in
            var ids: [String] = []
            let insertWebhook = try db.makeStatement(sql: """
                INSERT INTO webhooks (id, name, url, secret, events, active, createdAt, updatedAt, version)
                VALUES (?, ?, ?, NULL, 'job.status,order.status', 1, ?, ?, 1)
                """)
            for index in 0..<webhooks {
                let id = WebhookID.generate()
                ids.append(id)
                let stamp = Timestamp.iso8601(Date(timeIntervalSince1970: now - Double(webhooks - index)))
                try insertWebhook.execute(arguments: [id, "Webhook \(index)", "https://hooks\(index % 97).example.com/receive/\(index)", stamp, stamp])
            }
            let insertMessage = try db.makeStatement(sql: "INSERT INTO messages (id, eventType, liveMode, body, createdAt) VALUES (?, 'job.status', 1, ?, ?)")
            let insertDelivery = try db.makeStatement(sql: """
                INSERT INTO deliveries (id, messageId, webhookId, status, trigger, attemptCount, lastStatusCode, lastAttemptAt, createdAt)
                VALUES (?, ?, ?, ?, 'scheduled', 4, ?, ?, ?)
                """)
            let insertAttempt = try db.makeStatement(sql: """
                INSERT INTO attempts (deliveryId, number, trigger, startedAt, durationMs, requestUrl, requestHeaders, responseStatus, responseHeaders, responseBody)
                VALUES (?, ?, 'scheduled', ?, 12, 'https://example.com/', ?, ?, '[]', NULL)
                """)
            let deliveries = max(1, attempts / 4)
            for index in 0..<deliveries {
                let messageID = UUID().uuidString.lowercased()
                let deliveryID = UUID().uuidString.lowercased()
                let created = now - Double(deliveries - index)
                let succeeded = index % 5 != 0
                try insertMessage.execute(arguments: [messageID, body, created])
                try insertDelivery.execute(arguments: [deliveryID, messageID, ids[index % max(1, ids.count)],
                                                       succeeded ? "succeeded" : "failed", succeeded ? 200 : 500,
                                                       created + 4, created])
                for number in 1...4 {
                    try insertAttempt.execute(arguments: [deliveryID, number, created + Double(number), headers,
                                                          number == 4 && succeeded ? 200 : 500])
                }
            }
        }
    }

    /// Time to first frame, peak memory, and bytes sent for one selection move, the way the
    /// console starts: the first screenful of rows and the count, a frame, then every row.
    static func measure(path: String) throws {
        let started = DispatchTime.now()
        let store = try WebhookStore.open(path: path)
        let queue = QueueStore(store.dbPool)
        let opened = DispatchTime.now()
        var state = ConsoleState(width: 120, height: 40, databasePath: path)
        let first = try ConsoleSnapshot.load(store: store, queue: queue, queueRunning: true, limit: state.height)
        let firstLoaded = DispatchTime.now()
        let output = NSTemporaryDirectory() + "hookdash-startup-frame-\(getpid()).out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let terminal = try Terminal(options: Terminal.Options(outputPath: output, terminalType: "xterm-256color", mouse: false))
        state = update(state, .firstWebhooksLoaded(
            first.webhooks, total: first.total ?? first.webhooks.count,
            widest: first.widestOfAll)).0
        state = update(state, .queueUpdated(first.queue)).0
        var grid = Grid(width: state.width, height: state.height)
        render(state, into: &grid, theme: .dark)
        terminal.draw(grid)
        let firstFrame = DispatchTime.now()
        let afterFirst = fileSize(output)

        let all = try ConsoleSnapshot.load(store: store, queue: queue, queueRunning: true)
        state = update(state, .webhooksLoaded(all.webhooks)).0
        let before = grid
        render(state, into: &grid, theme: .dark)
        let allLoaded = DispatchTime.now()
        let unchanged = before == grid
        if !unchanged, ProcessInfo.processInfo.environment["SHOW_DIFF"] != nil {
            for (a, b) in zip(before.text.split(separator: "\n"), grid.text.split(separator: "\n")) where a != b { print("-\(a)\n+\(b)") }
        }
        terminal.draw(grid)
        let afterAll = fileSize(output)

        state = update(state, .input(.key(.down))).0
        render(state, into: &grid, theme: .dark)
        terminal.draw(grid)
        let afterMove = fileSize(output)
        terminal.close()

        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func milliseconds(_ from: DispatchTime, _ to: DispatchTime) -> Double {
            Double(to.uptimeNanoseconds - from.uptimeNanoseconds) / 1_000_000
        }
        print(String(format: "webhooks: %d  (terminal 120x40, dark theme)", all.webhooks.count))
        print(String(format: "open database: %.1f ms", milliseconds(started, opened)))
        print(String(format: "first screenful (%d rows, count, queue stats): %.1f ms", first.webhooks.count, milliseconds(opened, firstLoaded)))
        print(String(format: "time to first frame (open, read, render, draw): %.1f ms", milliseconds(started, firstFrame)))
        print(String(format: "every row loaded and the frame re-rendered: %.1f ms after start (frame %@)",
                     milliseconds(started, allLoaded), unchanged ? "unchanged" : "CHANGED"))
        print("bytes written when every row arrived: \(afterAll - afterFirst)")
        print(String(format: "peak RSS: %.1f MB", Double(usage.ru_maxrss) / 1024))
        print("bytes for the first frame: \(afterFirst)")
        print("bytes written when the selection moves one row: \(afterMove - afterAll)")
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }
}
