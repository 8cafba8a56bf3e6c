import Foundation
import HookdashDomain
import GRDB
import HookdashDelivery
import HookdashReceiver
import HookdashStore
import Testing

/// The built `hookdash` binary, next to this test bundle's build products.
private let hookdashBinary: String = {
    let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let candidates = [
        Bundle.main.bundleURL.appendingPathComponent("hookdash").path,
        Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("hookdash").path,
        repository.appendingPathComponent(".build/debug/hookdash").path,
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
}()

/// A `hookdash` subprocess whose stderr is captured.
private final class HookdashProcess: @unchecked Sendable {
    let process = Process()
    private let errors = Pipe()

    private let output = Pipe()

    /// `program`: a wrapper that runs hookdash (`nohup`), given hookdash's path first, or
    /// another program altogether when `wrapsHookdash` is false.
    init(
        program: String? = nil, wrapsHookdash: Bool = true, _ arguments: [String], input: String? = nil,
        environment overrides: [String: String] = [:]
    ) throws {
        process.executableURL = URL(fileURLWithPath: program ?? hookdashBinary)
        process.arguments = program == nil || !wrapsHookdash ? arguments : [hookdashBinary] + arguments
        process.standardOutput = output
        let inputPipe = Pipe()
        process.standardInput = inputPipe
        process.standardError = errors
        var environment = ProcessInfo.processInfo.environment
        environment["HOOKDASH_DEV"] = nil
        environment.merge(overrides) { _, override in override }
        process.environment = environment
        try process.run()
        inputPipe.fileHandleForWriting.write(Data((input ?? "").utf8))
        try? inputPipe.fileHandleForWriting.close()
    }

    var standardOutput: String {
        String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// Waits for exit without blocking the cooperative pool; nil on timeout.
    func exitStatus(within timeout: Duration = .seconds(60)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    var standardError: String {
        String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
    }
}

@Suite(.serialized) struct ServeProcessTests {
    @Test func sigkillLosesNothingAndDuplicatesStayWithinTheInFlightLimit() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: hookdashBinary), "build the binary: swift build")
        let database = try TestDatabase()
        defer { database.remove() }
        // The kill is sent from the receiver itself on the 150th request, so it lands mid-run
        // however slowly this test's own tasks get scheduled.
        let victim = KillSwitch(threshold: 150)
        let receiver = try await Receiver.start(
            policy: ReceiverPolicy(defaultResponse: ReceiverResponse(status: 200, delayMilliseconds: 100))
        ) { _ in victim.countRequest() }
        try database.addWebhook(url: receiver.url(), secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        for _ in 0..<1000 { try database.emit() }
        let limit = 32

        let first = try HookdashProcess([
            "--db", database.path, "--dev", "serve", "--concurrency", "\(limit)", "--per-endpoint", "\(limit)",
        ])
        // The receiver answers in 100 ms, so 1,000 messages take about 3 s at 32 in flight:
        // the kill lands mid-way, with a full window of attempts in flight.
        victim.arm(pid: first.process.processIdentifier)
        #expect(await receiver.waitForRequests(count: 150, timeout: .seconds(30)))
        #expect(await first.exitStatus() != nil)
        #expect(first.process.terminationReason == .uncaughtSignal)
        let beforeRestart = receiver.requestCount
        #expect(beforeRestart < 1000, "the kill must land while messages are still in flight")

        let second = try HookdashProcess([
            "--db", database.path, "--dev", "serve", "--until-idle", "--concurrency", "\(limit)",
            "--per-endpoint", "\(limit)",
        ])
        #expect(await second.exitStatus() == 0)
        await receiver.stop()

        let ids = receiver.requests.compactMap { $0.header("webhook-id") }
        let unique = Set(ids)
        #expect(unique.count == 1000)
        #expect(ids.count - unique.count <= limit)
        let stats = try database.queue.queueStats()
        #expect(stats.pending == 0 && stats.failed == 0)
    }

    /// SIGHUP as well: an SSH session that drops hangs up a `serve` left in its foreground.
    /// With `--until-idle` too (a script's `timeout`, a Ctrl-C), which used to die at once.
    @Test(arguments: [(SIGTERM, false), (SIGHUP, false), (SIGTERM, true)])
    func aStopSignalFinishesInFlightAttemptsAndReleasesLeases(_ stop: Int32, untilIdle: Bool) async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start(
            policy: ReceiverPolicy(defaultResponse: ReceiverResponse(status: 200, delayMilliseconds: 400)))
        try database.addWebhook(url: receiver.url())
        for _ in 0..<40 { try database.emit() }
        let serve = try HookdashProcess(
            ["--db", database.path, "--dev", "serve", "--concurrency", "4"] + (untilIdle ? ["--until-idle"] : []))
        #expect(await receiver.waitForRequests(count: 1, timeout: .seconds(30)))
        serve.signal(stop)
        #expect(await serve.exitStatus(within: .seconds(20)) == 0)
        await receiver.stop()

        let stats = try database.queue.queueStats()
        #expect(stats.inFlight == 0)
        let attempts = try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM attempts") }
        // Every request the receiver answered was recorded before the process exited.
        #expect(attempts == receiver.requestCount)
        #expect(stats.pending == 40 - receiver.requestCount)
    }

    /// An idle `serve` looks for work four times a second by reading; it took the write lock
    /// each time, and another program on the file without a busy timeout (a `sqlite3` shell)
    /// got "database is locked" (108 times in 2.5 s of trying before the change).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3"))
    func anIdleServeLeavesTheWriteLockToOthers() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        try database.addWebhook(url: "http://127.0.0.1:9/never-called")
        let serve = try HookdashProcess(["--db", database.path, "--dev", "serve"])
        try await Task.sleep(for: .seconds(1))
        let script = """
            import sqlite3, sys, time
            c = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)
            locked = tries = 0
            end = time.time() + 2.5
            while time.time() < end:
                tries += 1
                try:
                    c.execute("BEGIN IMMEDIATE"); c.execute("COMMIT")
                except sqlite3.OperationalError:
                    locked += 1
            print(locked, tries)
            """
        let probe = try HookdashProcess(program: "/usr/bin/python3", wrapsHookdash: false, ["-c", script, database.path])
        let status = await probe.exitStatus(within: .seconds(30))
        let counts = probe.standardOutput.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        serve.signal(SIGTERM)
        #expect(await serve.exitStatus(within: .seconds(20)) == 0)
        #expect(status == 0 && counts.count == 2)
        #expect(counts.first == 0, "locked \(counts.first ?? -1) times in \(counts.last ?? 0) tries")
    }

    /// `nohup hookdash serve &` asks to outlive the session: a hang-up leaves it running.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/nohup"), "needs nohup"))
    func underNohupAHangUpLeavesItRunning() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start()
        try database.addWebhook(url: receiver.url())
        let serve = try HookdashProcess(program: "/usr/bin/nohup", ["--db", database.path, "--dev", "serve"])
        try database.emit()
        #expect(await receiver.waitForRequests(count: 1, timeout: .seconds(30)))
        serve.signal(SIGHUP)
        try database.emit()
        #expect(await receiver.waitForRequests(count: 2, timeout: .seconds(30)), "serve stopped on the hang-up")
        serve.signal(SIGTERM)
        #expect(await serve.exitStatus(within: .seconds(20)) == 0)
        await receiver.stop()
    }

    @Test func twoServeProcessesShareOneDatabase() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start(
            policy: ReceiverPolicy(defaultResponse: ReceiverResponse(status: 200, delayMilliseconds: 2)))
        for _ in 0..<2 { try database.addWebhook(url: receiver.url()) }
        for _ in 0..<150 { try database.emit() }
        let arguments = ["--db", database.path, "--dev", "serve", "--until-idle", "--per-endpoint", "8"]
        let one = try HookdashProcess(arguments)
        let two = try HookdashProcess(arguments)
        #expect(await one.exitStatus() == 0)
        #expect(await two.exitStatus() == 0)
        await receiver.stop()
        #expect(!one.standardError.contains("locked") && !two.standardError.contains("locked"))
        #expect(receiver.requestCount == 300)
        let attempts = try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM attempts") }
        #expect(attempts == 300)
        #expect(try database.queue.queueStats().pending == 0)
    }
}

@Suite struct DeliveryCommandTests {
    @Test func emitQueuesAndRefusesBadInputWithDistinctCodes() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        try database.addWebhook(url: "https://hooks.example/a", events: ["order.status"])
        let good = try HookdashProcess(
            ["--db", database.path, "emit", "order.status", "--json"], input: #"{"id":"o1","status":"FULFILLED"}"#)
        #expect(await good.exitStatus() == 0)
        let printed = try JSONSerialization.jsonObject(with: Data(good.standardOutput.utf8)) as? [String: Any]
        #expect((printed?["deliveries"] as? [String])?.count == 1)
        #expect(try database.queue.queueStats().pending == 1)

        let notObject = try HookdashProcess(["--db", database.path, "emit", "order.status"], input: "[1, 2]")
        #expect(await notObject.exitStatus() == 65)
        #expect(notObject.standardError.contains("the body must be a JSON object ({…}), not an array"), "\(notObject.standardError)")
        let broken = try HookdashProcess(["--db", database.path, "emit", "order.status"], input: #"{"id":"o1","#)
        #expect(await broken.exitStatus() == 65)
        #expect(broken.standardError.contains("the body is not valid JSON: unexpected end of input at byte 11"), "\(broken.standardError)")
        let bigFile = database.path + ".big.json"
        try Data((#"{"blob":""# + String(repeating: "a", count: 3 << 20) + #""}"#).utf8).write(to: URL(fileURLWithPath: bigFile))
        defer { try? FileManager.default.removeItem(atPath: bigFile) }
        let oversized = try HookdashProcess(["--db", database.path, "emit", "order.status", "--file", bigFile])
        #expect(await oversized.exitStatus() == 65)
        #expect(
            oversized.standardError.contains("the body is 3145739 bytes, more than 1 MB (1000000 bytes)"),
            "\(oversized.standardError)")
        #expect(try database.queue.queueStats().pending == 1, "nothing of the refused bodies was queued")
        let unknownEvent = try HookdashProcess(["--db", database.path, "emit", "user.created"], input: "{}")
        #expect(await unknownEvent.exitStatus() == 65)
        let missingFile = try HookdashProcess(["--db", database.path, "emit", "job.status", "--file", "/nonexistent.json"])
        #expect(await missingFile.exitStatus() == 66)
        let unknownDelivery = try HookdashProcess(["--db", database.path, "deliveries", "show", "no-such-id"])
        #expect(await unknownDelivery.exitStatus() == 66)
        let badStatus = try HookdashProcess(["--db", database.path, "deliveries", "--status", "lost"])
        #expect(await badStatus.exitStatus() == 64)
        #expect(try database.queue.queueStats().pending == 1)
    }

    @Test func webhooksTestReportsEachEventAndFailsWhenOneFails() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start(policy: ReceiverPolicy(script: [ReceiverResponse(status: 500)]))
        let webhookID = try database.addWebhook(url: receiver.url(), events: ["job.status", "order.status"])
        let run = try HookdashProcess(["--db", database.path, "--dev", "webhooks", "test", webhookID])
        #expect(await run.exitStatus() == 1)
        let lines = run.standardOutput.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.filter { $0.hasPrefix("✓") }.count == 1 && lines.filter { $0.hasPrefix("✗") }.count == 1)
        await receiver.stop()
        #expect(receiver.requests.allSatisfy { $0.bodyText.contains(#""liveMode":false"#) })
        #expect(receiver.requestCount == 2)
    }
}

@Suite struct ConfigFileTests {
    /// `ca-file` in the config file trusts a private CA like `--ca-file`; the flag wins; a bad
    /// path, an unknown key or a malformed line is refused naming the file's line.
    @Test func caFileFromTheConfigFileAndItsMistakes() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let certificate = try TestCertificate(in: database.folder)
        let receiver = try await Receiver.start(tls: certificate.receiverFiles)
        defer { Task { await receiver.stop() } }
        let webhookID = try database.addWebhook(url: "https://localhost:\(receiver.port)/hooks", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let configHome = database.folder.appendingPathComponent("config").path
        try FileManager.default.createDirectory(atPath: configHome + "/hookdash", withIntermediateDirectories: true)
        func writeConfig(_ text: String) throws {
            try text.write(toFile: configHome + "/hookdash/config", atomically: true, encoding: .utf8)
        }
        func test(_ extra: [String] = []) throws -> HookdashProcess {
            try HookdashProcess(["--db", database.path, "--dev", "webhooks", "test", webhookID, "--json"] + extra,
                                environment: ["XDG_CONFIG_HOME": configHome])
        }

        // Without a CA the private certificate is refused, and --json says why.
        try writeConfig("# no CA yet\ntheme = light\n")
        let untrusted = try test()
        #expect(await untrusted.exitStatus() == 1)
        let refused = try onlyElement(JSONValue.parse(Data(untrusted.standardOutput.utf8)))
        #expect(refused["succeeded"] == .bool(false))
        #expect(refused["errorClass"] == .string("tls"))

        try writeConfig("theme = light   # comments are fine\nca-file = \(certificate.certificatePath)\n")
        let trusted = try test()
        #expect(await trusted.exitStatus() == 0)
        let accepted = try onlyElement(JSONValue.parse(Data(trusted.standardOutput.utf8)))
        #expect(accepted["event"] == .string("job.status"))
        #expect(accepted["succeeded"] == .bool(true))
        #expect(accepted["responseStatus"] == .integer(200))
        #expect(accepted["messageId"] == .string(receiver.requests.last?.header("webhook-id") ?? "none"))
        #expect(receiver.requests.last?.headers.first { $0.name == "webhook-signature" } != nil)

        // The flag wins over the file.
        try writeConfig("ca-file = /nonexistent/ca.pem\n")
        let flagWins = try test(["--ca-file", certificate.certificatePath])
        #expect(await flagWins.exitStatus() == 0)
        let keyForCA = try test(["--ca-file", certificate.receiverFiles.privateKeyPath])
        #expect(await keyForCA.exitStatus() == 65, "a file of the wrong kind is invalid data")
        #expect(keyForCA.standardError.contains("--ca-file: \(certificate.receiverFiles.privateKeyPath) holds no certificate"),
                "\(keyForCA.standardError)")

        let mistakes: [(config: String, message: String)] = [
            ("\n\nca-file = /nonexistent/ca.pem\n", "line 3: ca-file: cannot read /nonexistent/ca.pem"),
            // A key given for the CA was taken, and every HTTPS delivery then failed as TLS.
            ("ca-file = \(certificate.receiverFiles.privateKeyPath)\n", "line 1: ca-file: \(certificate.receiverFiles.privateKeyPath) holds no certificate"),
            ("ca-file = \(database.folder.path)\n", "line 1: ca-file: \(database.folder.path) is a folder"),
            ("theme = dark\ncafile = x.pem\n", "line 2: unknown setting “cafile”"),
            ("ca-file\n", "line 1: expected `key = value`"),
            ("theme = dark\ntheme = light\n", "line 2: “theme” is already set on line 1"),
        ]
        for mistake in mistakes {
            try writeConfig(mistake.config)
            let run = try test()
            #expect(await run.exitStatus() == 65, "\(mistake.config)")
            #expect(run.standardError.contains(configHome + "/hookdash/config " + mistake.message), "\(run.standardError)")
        }
        // A refused configuration sends nothing.
        #expect(receiver.requestCount == 2)
    }

    private func onlyElement(_ value: JSONValue) throws -> JSONValue {
        guard case .array(let items) = value, items.count == 1 else { throw TestFailure("expected one outcome, got \(value)") }
        return items[0]
    }
}

/// SIGKILLs a process when the n-th request arrives.
private final class KillSwitch: @unchecked Sendable {
    private let lock = NSLock()
    private var pid: pid_t?
    private var seen = 0
    private let threshold: Int

    init(threshold: Int) {
        self.threshold = threshold
    }

    func arm(pid: pid_t) {
        lock.lock()
        self.pid = pid
        let alreadyDue = seen >= threshold
        lock.unlock()
        if alreadyDue { kill(pid, SIGKILL) }
    }

    func countRequest() {
        lock.lock()
        seen += 1
        let target = seen == threshold ? pid : nil
        lock.unlock()
        if let target { kill(target, SIGKILL) }
    }
}
