import Foundation
import Glibc
import Testing

/// Drives the real `hookdash` console in a detached tmux session, as a person would.
final class TmuxSession {
    let socket = "hookdash-e2e-" + UUID().uuidString.prefix(8)

    /// The server's socket file, which it leaves behind: a test run used to leave dozens.
    private var socketPath = ""

    init(width: Int, height: Int, command: String) throws {
        try tmux(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", command])
        socketPath = try tmux(["display-message", "-p", "#{socket_path}"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// kill-session, not only kill-server: tmux 3.3 answers kill-server and keeps serving a
    /// session whose program is still running.
    deinit {
        _ = try? tmux(["kill-session"])
        _ = try? tmux(["kill-server"])
        if socketPath.hasSuffix(socket) { unlink(socketPath) }
    }

    /// Runs tmux with posix_spawn and waitpid. Output goes through a file, not a pipe: the
    /// server that `new-session` forks would hold a pipe open forever.
    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let outputPath = NSTemporaryDirectory() + "tmux-out-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // The server that new-session forks outlives this call: it must not inherit the pipes
        // of other tests' subprocesses, or their readers wait for it to exit.
        Self.closeInheritedDescriptors(&actions)
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm-256color"
        environment.removeValue(forKey: "TMUX")
        environment.removeValue(forKey: "HOOKDASH_DB")
        environment.removeValue(forKey: "NO_COLOR")
        let argv = (["tmux", "-L", socket] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/usr/bin/tmux", &actions, nil, argv, envp)
        guard spawned == 0 else { throw SpawnFailure(code: spawned) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    struct SpawnFailure: Error { let code: Int32 }

    /// glibc's posix_spawn_file_actions_addclosefrom_np (2.34+), looked up at run time because
    /// Swift's Glibc module does not export it.
    static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
    }

    func keys(_ keys: String...) throws { try tmux(["send-keys"] + keys) }
    func type(_ text: String) throws { try tmux(["send-keys", "-l", text]) }
    func screen() throws -> String { try tmux(["capture-pane", "-p"]) }

    /// Waits until the screen shows `text`; fails with the screen it last saw.
    func waitFor(_ text: String, timeout: TimeInterval = 10, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("timed out waiting for “\(text)”; screen was:\n\(last)", sourceLocation: sourceLocation)
        throw WaitTimeout()
    }

    struct WaitTimeout: Error {}
}

/// A `hookdash listen` receiver on a free loopback port.
final class Listener {
    let process = Process()
    let logPath: String
    let port: Int

    /// `respond`: the status every request gets; `name` tells two listeners' logs apart;
    /// `secret` makes it verify signatures.
    init(folder: String, respond: Int = 200, name: String = "listen", secret: String? = nil, extra: [String] = []) throws {
        logPath = folder + "/\(name).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: CLIHarness.binary)
        process.arguments = ["listen", "--port", "0", "--respond", "\(respond)"] + (secret.map { ["--secret", $0] } ?? []) + extra
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        var found: Int?
        while found == nil, Date() < deadline {
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                found = Int(text[range].split(separator: ":").last ?? "")
            } else {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        guard let found else { throw TmuxSession.WaitTimeout() }
        port = found
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }
}

@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux"), "needs tmux"))
struct ConsoleEndToEndTests {
    @Test func createEditTestInspectResizeDeleteAndQuit() throws {
        let sandbox = try Sandbox()
        let listener = try Listener(folder: sandbox.folder)
        let binary = CLIHarness.binary
        let before = sandbox.folder + "/stty.before", after = sandbox.folder + "/stty.after"
        let command = "stty -a > \(before); \(binary) --db \(sandbox.db) --dev; echo \"EXITED $?\"; stty -a > \(after); sleep 30"
        let session = try TmuxSession(width: 100, height: 30, command: command)

        try session.waitFor("The webhooks dashboard is empty.")
        try session.waitFor("Press n to create a webhook.")

        // Create.
        try session.keys("n")
        try session.waitFor("Create Webhook")
        try session.type("E2E 日本 hook")
        try session.keys("Tab")
        try session.type("http://127.0.0.1:\(listener.port)/hooks")
        try session.keys("Tab", "C-g", "Tab", "Space", "Tab", "Space", "C-s")
        try session.waitFor("Created “E2E 日本 hook”")
        try session.waitFor("job, order")

        // Edit.
        try session.keys("e")
        try session.waitFor("Edit Webhook")
        try session.keys("End")
        try session.type(" v2")
        try session.keys("C-s")
        try session.waitFor("Saved “E2E 日本 hook v2”")

        // Send a test event to the listener; each event's outcome arrives as a toast.
        try session.keys("t")
        try session.waitFor("job.status → E2E 日本 hook v2: 200")
        try session.waitFor("order.status → E2E 日本 hook v2: 200")
        #expect(listener.log.contains("POST"))

        // The deliveries show in details.
        try session.keys("Enter")
        try session.waitFor("Deliveries (newest first")
        try session.waitFor("delivered")
        try session.keys("Enter")
        try session.waitFor("HTTP 200")
        try session.keys("Enter")
        try session.waitFor("── Request ──")
        try session.waitFor("\"event\":")
        try session.keys("Escape", "Escape", "Escape")
        try session.waitFor("⏎ open")

        // Resize small and back.
        try session.tmux(["resize-window", "-x", "40", "-y", "10"])
        try session.waitFor("Terminal too small")
        try session.tmux(["resize-window", "-x", "100", "-y", "30"])
        try session.waitFor("E2E 日本 hook v2")

        // Delete: Cancel is focused, so Tab to Delete first.
        try session.keys("d")
        try session.waitFor("Delete the webhook “E2E 日本 hook v2”?")
        try session.keys("Tab", "Enter")
        try session.waitFor("The webhooks dashboard is empty.")

        // Quit leaves the terminal as it was.
        try session.keys("q")
        try session.waitFor("EXITED 0")
        let deadline = Date().addingTimeInterval(5)
        while !FileManager.default.fileExists(atPath: after), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        Thread.sleep(forTimeInterval: 0.2)
        let sttyBefore = try String(contentsOfFile: before, encoding: .utf8)
        let sttyAfter = try String(contentsOfFile: after, encoding: .utf8)
        #expect(!sttyBefore.isEmpty)
        #expect(sttyBefore == sttyAfter)
        // Closed as every command closes it: the write-ahead log is in the file, and gone.
        #expect(!FileManager.default.fileExists(atPath: sandbox.db + "-wal"), "a copy of the .sqlite file alone would miss changes")
    }

    /// Mouse input through a real terminal: tmux hands the bytes of an xterm (X10-encoded)
    /// mouse report to the console, and ncurses turns them into clicks and wheel turns.
    @Test func mouseClickSelectsAndWheelScrollsInARealTerminal() throws {
        let sandbox = try Sandbox()
        for index in 0..<40 {
            let name = String(format: "Hook %02d", index)
            let created = try sandbox.hookdash(["webhooks", "create", "--name", name, "--url", "https://h\(index).example.com/in", "--event", "job.status"])
            #expect(created.status == 0)
        }
        let session = try sandbox.console()
        try session.waitFor("Hook 00")
        /// Button code, column and row (0-based) as an X10 mouse report: ESC [ M, then each
        /// value plus 32 (plus one more for the 1-based coordinates).
        func mouse(_ button: Int, x: Int, y: Int) throws {
            let bytes = [0x1B, 0x5B, 0x4D, 32 + button, 33 + x, 33 + y]
            _ = try session.tmux(["send-keys", "-H"] + bytes.map { String(format: "%02x", $0) })
        }
        let rows = try session.screen().split(separator: "\n", omittingEmptySubsequences: false)
        let third = try #require(rows.firstIndex { $0.contains("Hook 02") })
        #expect(rows[third].hasPrefix("  "), "not selected before the click")

        // Left press and release on the third row selects it; Enter opens that webhook.
        try mouse(0, x: 12, y: third)
        try mouse(3, x: 12, y: third)
        try session.waitFor("› Hook 02")
        try session.keys("Enter")
        try session.waitFor("https://h2.example.com/in")
        try session.keys("Escape")
        try session.waitFor("› Hook 02")

        // The wheel moves the selection three rows a notch, scrolling the table past the end.
        for _ in 0..<12 { try mouse(65, x: 12, y: 10) }
        try session.waitFor("› Hook 38")
        #expect(try !session.screen().contains("Hook 00"))
        for _ in 0..<2 { try mouse(64, x: 12, y: 10) }
        try session.waitFor("› Hook 32")
        try session.keys("q")
    }

    /// A terminal that goes away (a dropped SSH connection, a killed tmux session) ends the
    /// console even when the hang-up signal goes to a wrapper shell instead.
    @Test func aVanishedTerminalEndsTheConsole() throws {
        let sandbox = try Sandbox()
        let pidFile = sandbox.folder + "/pid"
        let session = try TmuxSession(
            width: 80, height: 24,
            command: "sh -c 'echo $$ > \(pidFile); exec \(CLIHarness.binary) --db \(sandbox.db)'; sleep 30")
        try session.waitFor("The webhooks dashboard is empty.")
        let pid = try #require(Int32(String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, 0) == 0)
        try session.tmux(["kill-session"])
        let deadline = Date().addingTimeInterval(10)
        while kill(pid, 0) == 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(kill(pid, 0) == -1, "the console kept running without its terminal")
        // The database is left consistent and usable.
        let listed = try sandbox.hookdash(["webhooks", "list", "--json"])
        #expect(listed.status == 0)
        #expect(listed.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }

    @Test func sigtermRestoresTheTerminal() throws {
        let sandbox = try Sandbox()
        let binary = CLIHarness.binary
        let before = sandbox.folder + "/stty.before", after = sandbox.folder + "/stty.after"
        let command = "stty -a > \(before); sh -c 'echo $$ > \(sandbox.folder)/pid; exec \(binary) --db \(sandbox.db)'; echo \"EXITED $?\"; stty -a > \(after); sleep 30"
        let session = try TmuxSession(width: 80, height: 24, command: command)
        try session.waitFor("The webhooks dashboard is empty.")
        let pid = try String(contentsOfFile: sandbox.folder + "/pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try CLIHarness.runProgram("/bin/kill", ["-TERM", pid])
        try session.waitFor("EXITED 143")
        let deadline = Date().addingTimeInterval(5)
        while !FileManager.default.fileExists(atPath: after), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        Thread.sleep(forTimeInterval: 0.2)
        #expect(try String(contentsOfFile: before, encoding: .utf8) == String(contentsOfFile: after, encoding: .utf8))
    }

    /// A failing endpoint's backlog is visible: the header counts deliveries waiting for a
    /// retry, and the delivery says when it retries before why it failed.
    @Test func aFailingEndpointShowsItsWaitingRetries() throws {
        let sandbox = try Sandbox()
        let listener = try Listener(folder: sandbox.folder, respond: 503)
        let created = try sandbox.run([
            "webhooks", "create", "--dev", "--name", "Flaky", "--url", "http://127.0.0.1:\(listener.port)/hooks",
            "--event", "job.status",
        ])
        #expect(created.status == 0, "\(created.stderr)")
        let emitted = try sandbox.run(["emit", "job.status"], stdin: Data(#"{"id":"j1","status":"RUNNING"}"#.utf8))
        #expect(emitted.status == 0, "\(emitted.stderr)")
        let session = try sandbox.console(dev: true)
        try session.waitFor("0 due  1 waiting  0 failed")
        try session.waitFor("✗ 503")
        try session.keys("Enter")
        try session.waitFor("HTTP 503 · retry in")
        #expect(listener.log.contains("→ 503"))
    }

    /// y, p and c put the message id, the payload and a replaying curl command on the
    /// clipboard (OSC 52, which tmux keeps as a buffer); the curl command, run as copied,
    /// delivers the same signed request again.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "needs curl"))
    func copiesReachTheClipboardAndTheCurlReplays() throws {
        let sandbox = try Sandbox()
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let listener = try Listener(folder: sandbox.folder, secret: secret)
        #expect(try sandbox.run([
            "webhooks", "create", "--dev", "--name", "Copy", "--url", "http://127.0.0.1:\(listener.port)/hooks",
            "--event", "job.status", "--secret", secret,
        ]).status == 0)
        let emitted = try sandbox.run(["emit", "job.status", "--json"], stdin: Data(#"{"id":"it's"}"#.utf8))
        let messageID = try #require(
            (try JSONSerialization.jsonObject(with: Data(emitted.stdout.utf8)) as? [String: Any])?["messageId"] as? String)
        #expect(try sandbox.run(["serve", "--dev", "--until-idle"]).status == 0)

        let session = try sandbox.console(dev: true)
        try session.tmux(["set-option", "-g", "set-clipboard", "on"])
        try session.waitFor("✓ 200")
        try session.keys("Enter")
        try session.waitFor("delivered")
        try session.keys("y")
        try session.waitFor("Copied the message id to the clipboard")
        #expect(try session.tmux(["show-buffer"]) == messageID)
        try session.keys("Enter")
        try session.waitFor("HTTP 200")
        try session.keys("Enter")
        try session.waitFor("── Request ──")
        try session.keys("p")
        try session.waitFor("Copied the payload as sent to the clipboard")
        let payload = try session.tmux(["show-buffer"])
        #expect(payload.hasPrefix(#"{"event":"job.status","liveMode":true,"messageId":"\#(messageID)""#), "\(payload)")
        try session.keys("c")
        try session.waitFor("Copied a curl command")
        let curl = try session.tmux(["show-buffer"])
        #expect(curl.hasPrefix("curl "))

        let replayed = try CLIHarness.runProgram("/bin/bash", ["-c", curl])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        let lines = listener.log.split(separator: "\n").filter { $0.contains("POST") }
        #expect(lines.count == 2 && lines.allSatisfy { $0.contains(messageID) && $0.contains("signature ✓") }, "\(listener.log)")
    }

    /// An endpoint answering 410 Gone turns its webhook off, and the console says so.
    @Test func aGoneEndpointIsSetInactiveAndTheConsoleSaysSo() throws {
        let sandbox = try Sandbox()
        let listener = try Listener(folder: sandbox.folder, respond: 410)
        let url = "http://127.0.0.1:\(listener.port)/hooks"
        #expect(try sandbox.run([
            "webhooks", "create", "--dev", "--name", "Retired", "--url", url, "--event", "job.status",
        ]).status == 0)
        #expect(try sandbox.run(["emit", "job.status"], stdin: Data(#"{"id":"j1"}"#.utf8)).status == 0)
        let session = try sandbox.console(dev: true)
        try session.waitFor("Disabled (set Inactive): “Retired”: the endpoint answered 410 Gone")
        try session.waitFor("Inactive")
        try session.waitFor("✗ 410")
        let shown = try sandbox.run(["webhooks", "list", "--json"])
        #expect(shown.stdout.contains("\"active\": false"), "\(shown.stdout)")
        #expect(listener.log.components(separatedBy: "POST").count == 2, "one attempt, no retries")
    }

    /// R in details asks, then gives every failed delivery of the webhook a new attempt.
    @Test func redeliverEveryFailedDeliveryFromDetails() throws {
        let sandbox = try Sandbox()
        // 410 fails a delivery at once (test events would not do: R leaves them alone).
        let listener = try Listener(folder: sandbox.folder, respond: 410)
        let created = try sandbox.run([
            "webhooks", "create", "--dev", "--name", "Flaky", "--url", "http://127.0.0.1:\(listener.port)/hooks",
            "--event", "job.status", "--event", "order.status", "--json",
        ])
        let id = try #require(
            (try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])?["id"] as? String)
        #expect(try sandbox.run(["emit", "job.status"], stdin: Data("{}".utf8)).status == 0)
        #expect(try sandbox.run(["emit", "order.status"], stdin: Data("{}".utf8)).status == 0)
        #expect(try sandbox.run(["serve", "--dev", "--until-idle"]).status == 0, "both deliveries fail")
        // The 410 set it Inactive; an operator switches it back on to try again.
        #expect(try sandbox.run(["webhooks", "edit", id, "--dev", "--active"]).status == 0)
        let session = try sandbox.console(dev: true)
        try session.waitFor("2 failed")
        try session.keys("Enter")
        try session.waitFor("Deliveries (newest first")
        try session.keys("R")
        try session.waitFor("Redeliver all 2 failed deliveries to “Flaky”?")
        try session.keys("Tab", "Enter")
        try session.waitFor("Redelivering 2 failed deliveries to “Flaky”")
        let deadline = Date().addingTimeInterval(10)
        while listener.log.components(separatedBy: "POST").count < 5, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(listener.log.components(separatedBy: "POST").count == 5, "two deliveries and two redeliveries: \(listener.log)")

        // f narrows the list to failed ones, read from the store.
        try session.keys("f")
        try session.waitFor("Deliveries · failed only")
        try session.keys("f")
        try session.waitFor("No pending deliveries.")
    }
}

@Suite("CLI: emit on a terminal", .serialized)
struct EmitOnTerminalTests {
    @Test("typing the body by hand: emit says how to end it, then queues it")
    func typedBody() throws {
        let sandbox = try Sandbox()
        let created = try sandbox.run(["webhooks", "create", "--name", "Jobs", "--url", "https://example.com/hooks", "--event", "job.status"])
        #expect(created.status == 0, "\(created.stderr)")
        let session = try TmuxSession(width: 100, height: 20, command: "\(CLIHarness.binary) --db \(sandbox.db) emit job.status; sleep 30")
        try session.waitFor("Ctrl-D")
        try session.type(#"{"jobId":"job_7","status":"RUNNING"}"#)
        try session.keys("Enter", "C-d")
        try session.waitFor("Queued message")
        #expect(try session.screen().contains("1 delivery"))
    }
}
