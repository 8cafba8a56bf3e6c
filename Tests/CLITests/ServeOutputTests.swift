import Foundation
import GRDB
import Testing

/// What `hookdash serve` says: a line per attempt on a terminal, none into a pipe, and a
/// summary on stderr when it stops.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux"), "needs tmux"))
struct ServeOutputTests {
    /// A webhook at `url` and one queued job.status message.
    func queueOne(_ sandbox: Sandbox, url: String) throws {
        let created = try sandbox.run([
            "webhooks", "create", "--dev", "--name", "Receiver", "--url", url, "--event", "job.status",
        ])
        #expect(created.status == 0, "\(created.stderr)")
        let emitted = try sandbox.run(["emit", "job.status"], stdin: Data(#"{"id":"j1","status":"RUNNING"}"#.utf8))
        #expect(emitted.status == 0, "\(emitted.stderr)")
    }

    /// A delivery another process is sending does not keep `--until-idle` running, but it
    /// is not delivered yet either: the summary says so.
    @Test func untilIdleNamesWhatAnotherProcessIsSending() throws {
        let sandbox = try Sandbox()
        try queueOne(sandbox, url: "http://127.0.0.1:9/hooks")
        let queue = try GRDB.DatabaseQueue(path: sandbox.db)
        try queue.write { db in
            try db.execute(sql: "UPDATE deliveries SET leaseOwner = 'otherhost:4242:0badc0de', leaseExpiresAt = ?",
                           arguments: [Date().timeIntervalSince1970 + 60])
        }
        try queue.close()
        let served = try sandbox.run(["serve", "--dev", "--until-idle"])
        #expect(served.status == 0, "\(served.stderr)")
        #expect(served.stderr.contains("hookdash serve: 1 delivery being sent by another process on this database"), "\(served.stderr)")
        #expect(!served.stderr.contains("waits for a retry"), "\(served.stderr)")
    }

    /// Without --dev, a delivery to plain http:// is held 30 s for a process with --dev, and
    /// serve said nothing meanwhile.
    @Test func serveWithoutDevSaysWhyPlainHTTPWaits() throws {
        let sandbox = try Sandbox()
        try queueOne(sandbox, url: "http://127.0.0.1:9/hooks")
        let served = try CLIHarness.runProgram("/usr/bin/timeout", ["-s", "TERM", "2", CLIHarness.binary, "serve", "--db", sandbox.db])
        #expect(served.stderr.contains(
            "1 delivery goes to a plain http:// URL, which only --dev sends: left 30 s for a process with --dev, then refused as needing it"),
            "\(served.stderr)")
    }

    /// Its stderr's reader gone before the first line (a logger restarting), serve died of
    /// SIGPIPE; lines that cannot be written are dropped instead, as the README says.
    @Test func aClosedStderrDoesNotKillServe() throws {
        let sandbox = try Sandbox()
        let listener = try Listener(folder: sandbox.folder)
        try queueOne(sandbox, url: "http://127.0.0.1:\(listener.port)/hooks")
        let errors = Pipe()
        try errors.fileHandleForReading.close()
        let serve = Process()
        serve.executableURL = URL(fileURLWithPath: CLIHarness.binary)
        serve.arguments = ["serve", "--dev", "--db", sandbox.db]
        serve.standardOutput = FileHandle.nullDevice
        serve.standardError = errors
        try serve.run()
        try errors.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, serve.isRunning, !listener.log.contains("POST") { Thread.sleep(forTimeInterval: 0.05) }
        #expect(serve.isRunning, "it outlived its first line")
        serve.terminate()
        serve.waitUntilExit()
        #expect(serve.terminationReason == .exit, "stopped by SIGTERM gracefully, not killed by SIGPIPE")
        #expect(listener.log.contains("POST"), "the delivery went out")
    }

    @Test func untilIdleIntoAPipeSummarisesOnStderrOnly() throws {
        let sandbox = try Sandbox()
        let listener = try Listener(folder: sandbox.folder, respond: 503)
        try queueOne(sandbox, url: "http://127.0.0.1:\(listener.port)/hooks")
        let served = try sandbox.run(["serve", "--dev", "--until-idle"])
        #expect(served.status == 0, "\(served.stderr)")
        #expect(served.stdout.isEmpty)
        #expect(served.stderr.contains("hookdash serve: 1 attempt: 0 delivered, 1 to retry, 0 failed"), "\(served.stderr)")
        // Idle is not "all delivered": what is left, and when it is next due.
        #expect(served.stderr.range(
            of: #"hookdash serve: 1 delivery waits for a retry or for its webhook to be Active; the next is due at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#,
            options: .regularExpression) != nil, "\(served.stderr)")

        // The list says when it was created and when it retries.
        let listed = try sandbox.run(["deliveries"])
        let lines = listed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.split(separator: " ", omittingEmptySubsequences: true)
            == ["ID", "CREATED", "EVENT", "STATUS", "TRIES", "RESULT"])
        let row = try #require(lines.dropFirst().first, "\(listed.stdout)")
        #expect(row.contains("  job.status  pending  "), "\(row)")
        #expect(row.range(of: #"  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  "#, options: .regularExpression) != nil, "\(row)")
        #expect(row.range(of: #"  1  +HTTP 503 · retry in \ds$"#, options: .regularExpression) != nil, "\(row)")
    }

    @Test func onATerminalEachAttemptIsALine() throws {
        let sandbox = try Sandbox()
        let listener = try Listener(folder: sandbox.folder)
        let url = "http://127.0.0.1:\(listener.port)/hooks"
        try queueOne(sandbox, url: url)
        let session = try TmuxSession(
            width: 120, height: 20, command: "\(CLIHarness.binary) serve --db \(sandbox.db) --dev; echo EXITED $?; sleep 30")
        try session.waitFor("job.status  → \(url)  ✓ 200 in ")
        try session.keys("C-c")
        try session.waitFor("hookdash serve: 1 attempt: 1 delivered, 0 to retry, 0 failed")
        try session.waitFor("EXITED 0")
    }
}
