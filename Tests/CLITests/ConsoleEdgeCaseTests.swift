import Foundation
import Glibc
import GRDB
import Testing

// The console, driven in tmux, where people trip it up: Ctrl-Z, a search, emoji in names,
// a database another process holds, a slow redelivery.

/// Ctrl-Z gives the shell back, as in any terminal program, and `fg` returns to the console;
/// where no shell could resume it, it says so instead of freezing.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")
    && FileManager.default.isExecutableFile(atPath: "/bin/bash"), "needs tmux and bash"))
struct SuspendTests {
    @Test func ctrlZStopsTheConsoleAsAShellJobAndFgBringsItBack() throws {
        let sandbox = try Sandbox()
        let session = try TmuxSession(width: 100, height: 30, command: "bash --norc --noprofile -i")
        try session.type("PS1='ready$ '; \(CLIHarness.binary) --db \(sandbox.db)")
        try session.keys("Enter")
        try session.waitFor("The webhooks dashboard is empty.")
        try session.keys("C-z")
        try session.waitFor("Stopped")
        #expect(try session.screen().contains("hookdash: suspended; deliveries from this console wait meanwhile"))
        try session.type("fg")
        try session.keys("Enter")
        try session.waitFor("The webhooks dashboard is empty.")
        try session.keys("n")
        try session.waitFor("Create Webhook", timeout: 5)
        // Esc and q sent at once read as Alt-q (an escape sequence) when the terminal is slow.
        try session.keys("Escape")
        try session.waitFor("The webhooks dashboard is empty.")
        try session.keys("q")
        // fg's status is the console's own.
        try session.type("echo \"EXITED $?\"")
        try session.keys("Enter")
        try session.waitFor("EXITED 0")
    }

    @Test func ctrlZWithoutAShellSaysSoAndKeepsRunning() throws {
        let sandbox = try Sandbox()
        let session = try TmuxSession(
            width: 100, height: 30, command: "\(CLIHarness.binary) --db \(sandbox.db); echo \"EXITED $?\"; sleep 30")
        try session.waitFor("The webhooks dashboard is empty.")
        try session.keys("C-z")
        try session.waitFor("Ctrl-Z: no shell started hookdash here to resume it")
        try session.keys("q")
        try session.waitFor("EXITED 0")
    }
}

/// Finding the delivery a customer asks about by the id in its payload, in the real console.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux"), "needs tmux"))
struct DeliverySearchConsoleTests {
    @Test func slashFindsADeliveryByItsPayload() throws {
        let sandbox = try Sandbox()
        let listener = try Listener(folder: sandbox.folder)
        _ = try sandbox.createWebhook(name: "Jobs", url: "http://127.0.0.1:\(listener.port)/hooks")
        var messageIDs: [String: String] = [:]
        for job in ["job_north", "job_south", "job_east"] {
            let emitted = try sandbox.run(["emit", "job.status", "--json"], stdin: Data(#"{"jobId":"\#(job)"}"#.utf8))
            let object = try JSONSerialization.jsonObject(with: Data(emitted.stdout.utf8)) as? [String: Any]
            messageIDs[job] = try #require(object?["messageId"] as? String)
        }
        #expect(try sandbox.run(["serve", "--dev", "--until-idle"]).status == 0)

        let session = try sandbox.console(dev: true)
        try session.waitFor("Jobs")
        try session.keys("Enter")
        try session.waitFor("(newest first, live)")
        try session.keys("/")
        try session.type("SOUTH")
        try session.waitFor("/ find: SOUTH")
        let deadline = Date().addingTimeInterval(5)
        var rows: [Substring] = []
        while Date() < deadline {
            rows = try session.screen().split(separator: "\n").filter { $0.contains("delivered") }
            if rows.count == 1 { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let screen = try session.screen()
        #expect(rows.count == 1, "one delivery matches:\n\(screen)")
        try session.keys("Enter", "Enter")
        try session.waitFor("Message  \(try #require(messageIDs["job_south"]))")
    }
}

/// A name with joined emoji or flags used to come out garbled, with a stray joiner that
/// pushed the row's later columns out of line.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux"), "needs tmux"))
struct EmojiNameTests {
    @Test func joinedEmojiAndFlagsKeepTheColumnsInLine() throws {
        let sandbox = try Sandbox()
        for (name, path) in [("Family 👨‍👩‍👧 flags 🇯🇵🇫🇷 done", "a"), ("Plain name", "b"), ("Thumbs 👍🏽 ok", "c")] {
            let created = try sandbox.run(["webhooks", "create", "--name", name, "--url", "https://example.com/\(path)", "--event", "job.status"])
            #expect(created.status == 0, "\(created.stderr)")
        }
        let session = try sandbox.console()
        try session.waitFor("Webhooks (3)")
        let screen = try session.screen()
        #expect(!screen.unicodeScalars.contains("\u{200D}"), "a joiner reached the screen:\n\(screen)")
        let rows = screen.split(separator: "\n").filter { $0.contains("https://example.com/") }
        #expect(rows.count == 3)
        // Every row's URL starts in the same column (tmux pads a wide glyph's second column).
        let columns = Set(rows.map { row in
            let before = row[..<row.range(of: "https://")!.lowerBound]
            return before.reduce(0) { $0 + ($1.unicodeScalars.first!.value >= 0x1F000 ? 2 : 1) }
        })
        #expect(columns.count == 1, "URL columns differ:\n\(rows.joined(separator: "\n"))")
        try session.keys("Enter")
        try session.waitFor("Family 👨 flags JPFR done")
    }
}

/// Another process holding the database's write lock (an import, a sqlite3 shell in a
/// transaction) used to freeze the screen for as long as a save waited, up to 30 s.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")
    && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs tmux and python3"))
struct BusyDatabaseTests {
    @Test func aSaveWaitingForTheDatabaseKeepsTheScreenAliveAndSavesOnce() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.run(["webhooks", "import", sandbox.write("none.json", "[]")]).status == 0, "creates the database")
        let session = try sandbox.console()
        try session.waitFor("The webhooks dashboard is empty.")
        try session.keys("n")
        try session.waitFor("Create Webhook")
        try session.type("Patient")
        try session.keys("Tab")
        try session.type("https://example.com/hooks")
        try session.keys("Tab", "Tab", "Space")

        let holder = try Self.holdWriteLock(sandbox.db, seconds: 4)
        defer { holder.waitUntilExit() }

        try session.keys("C-s", "C-s")
        try session.waitFor("Saving…", timeout: 3)
        try session.waitFor("Created “Patient”", timeout: 15)
        let listed = try sandbox.run(["webhooks", "list", "--json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 1, "two Ctrl-S while waiting saved once: \(listed.stdout)")
    }

    @Test func quittingDoesNotWaitOutAHeldDatabase() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.run(["webhooks", "import", sandbox.write("none.json", "[]")]).status == 0, "creates the database")
        let session = try TmuxSession(
            width: 100, height: 30, command: "\(CLIHarness.binary) --db \(sandbox.db); echo \"EXITED $?\"; sleep 30")
        try session.waitFor("The webhooks dashboard is empty.")
        let holder = try Self.holdWriteLock(sandbox.db, seconds: 20)
        // SIGKILL: under the test runner, SIGTERM left it sleeping out its time.
        defer { kill(holder.processIdentifier, SIGKILL); holder.waitUntilExit() }
        let start = Date()
        try session.keys("q")
        try session.waitFor("EXITED 0", timeout: 10)
        #expect(Date().timeIntervalSince(start) < 8, "quit waited for the database")
        #expect(try session.screen().replacingOccurrences(of: "\n", with: "").contains("nothing is lost"))
    }

    /// A python3 process in an immediate transaction on `path`, returned once it holds the lock.
    static func holdWriteLock(_ path: String, seconds: Int) throws -> Process {
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        holder.arguments = ["-c", """
            import sqlite3, sys, time
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute("BEGIN IMMEDIATE")
            print("locked", flush=True)
            time.sleep(\(seconds))
            c.execute("ROLLBACK")
            """, path]
        let output = Pipe()
        holder.standardOutput = output
        try holder.run()
        #expect(String(decoding: output.fileHandleForReading.availableData, as: UTF8.self).contains("locked"))
        return holder
    }
}

/// What `r` announces is the redelivery's own outcome, however long the endpoint takes —
/// never the delivery's earlier result, read before the new attempt was recorded.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux"), "needs tmux"))
struct RedeliverToastTests {
    @Test func aRedeliveryAnnouncesItsOwnOutcomeAndReplacesItsProgressNote() throws {
        let sandbox = try Sandbox()
        // Nothing listens on a port a finished listener held: the first attempt is refused.
        let gone = try Listener(folder: sandbox.folder, name: "gone")
        let deadPort = gone.port
        gone.process.terminate()
        gone.process.waitUntilExit()
        let created = try sandbox.run([
            "webhooks", "create", "--dev", "--name", "Slow", "--url", "http://127.0.0.1:\(deadPort)/hooks",
            "--event", "job.status", "--json",
        ])
        let id = try #require(
            (try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])?["id"] as? String)
        #expect(try sandbox.run(["emit", "job.status"], stdin: Data(#"{"jobId":"j1"}"#.utf8)).status == 0)
        _ = try sandbox.run(["serve", "--dev", "--until-idle"])
        let slow = try Listener(folder: sandbox.folder, name: "slow", extra: ["--delay", "1500"])
        #expect(try sandbox.run(["webhooks", "edit", id, "--dev", "--url", "http://127.0.0.1:\(slow.port)/hooks"]).status == 0)

        let session = try sandbox.console(dev: true)
        try session.waitFor("Slow")
        try session.keys("Enter")
        try session.waitFor("retry in")
        try session.keys("r")
        try session.waitFor("Redelivering job.status…")
        try session.waitFor("job.status → Slow: 200")
        let screen = try session.screen()
        #expect(!screen.contains("Redelivering job.status…"), "the outcome replaces the progress note:\n\(screen)")
        #expect(!screen.contains("→ Slow: connection refused"), "the earlier result was announced:\n\(screen)")
    }
}

/// A database file removed or replaced under a running process: SQLite goes on with the open
/// file, which nobody else sees. The console says so; `serve` stops so a restart takes the new one.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux"), "needs tmux"))
struct DatabaseFileLostTests {
    @Test func theConsoleSaysItsFileWasRemoved() throws {
        let sandbox = try Sandbox()
        _ = try sandbox.createWebhook(name: "Kept", url: "https://example.com/hooks")
        let session = try sandbox.console()
        try session.waitFor("Kept")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: sandbox.db + suffix) }
        try session.waitFor("▲ database file removed: quit and start again")
        #expect(try session.screen().contains("Database file removed under this console"))
    }

    @Test func serveStopsWhenItsFileIsReplaced() throws {
        let sandbox = try Sandbox()
        _ = try sandbox.createWebhook(name: "Kept", url: "https://example.com/hooks")
        try FileManager.default.copyItem(atPath: sandbox.db, toPath: sandbox.db + ".restored")
        let serve = Process()
        serve.executableURL = URL(fileURLWithPath: CLIHarness.binary)
        serve.arguments = ["serve", "--db", sandbox.db]
        let errors = Pipe()
        serve.standardError = errors
        serve.standardOutput = FileHandle.nullDevice
        try serve.run()
        defer { if serve.isRunning { kill(serve.processIdentifier, SIGKILL) } }
        Thread.sleep(forTimeInterval: 0.5)
        try FileManager.default.removeItem(atPath: sandbox.db)
        try FileManager.default.moveItem(atPath: sandbox.db + ".restored", toPath: sandbox.db)
        let deadline = Date().addingTimeInterval(20)
        while serve.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(!serve.isRunning, "serve went on with the replaced file")
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(serve.terminationStatus == 74, "\(text)")
        #expect(text.contains("was replaced while serve had it open"), "\(text)")
        #expect(text.contains("stopped so that a restart opens the file now at"), "\(text)")
    }
}

/// Something else writing on the terminal (an `ssh -v` debug line, a `wall` message) leaves
/// garbage only until Ctrl-L, as in any full-screen program.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux"), "needs tmux"))
struct RedrawTests {
    @Test func ctrlLPaintsOverWhatElseWroteOnTheTerminal() throws {
        let sandbox = try Sandbox()
        let session = try sandbox.console()
        try session.waitFor("The webhooks dashboard is empty.")
        let tty = try session.tmux(["display-message", "-p", "#{pane_tty}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let garbage = try #require(FileHandle(forWritingAtPath: tty))
        try garbage.write(contentsOf: Data("\u{1B}[12;10Hdebug1: stray line from elsewhere".utf8))
        try garbage.close()
        try session.waitFor("stray line from elsewhere")
        try session.keys("C-l")
        let deadline = Date().addingTimeInterval(5)
        while try session.screen().contains("stray line"), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let screen = try session.screen()
        #expect(!screen.contains("stray line"), "\(screen)")
        #expect(screen.contains("The webhooks dashboard is empty."))
    }
}

/// A test event whose webhook is deleted before it is answered: its note settles, instead of
/// "Sending…" waiting on a delivery that was cancelled (and read on every refresh for good).
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux"), "needs tmux"))
struct CancelledTestEventTests {
    @Test func deletingTheWebhookSettlesItsTestEvent() throws {
        let sandbox = try Sandbox()
        let slow = try Listener(folder: sandbox.folder, extra: ["--delay", "3000"])
        _ = try sandbox.createWebhook(name: "Slow", url: "http://127.0.0.1:\(slow.port)/hooks")
        let session = try sandbox.console(dev: true)
        try session.waitFor("Slow")
        try session.keys("t")
        try session.waitFor("Sending test event to “Slow”…")
        try session.keys("d")
        try session.waitFor("Delete the webhook “Slow”?")
        try session.keys("Tab", "Enter")
        try session.waitFor("job.status → Slow: cancelled with its webhook")
        #expect(!(try session.screen().contains("Sending test event")))
    }
}

/// `s` runs a demo job whose steps follow one another; quitting halfway left the receiver's
/// job RUNNING for good. The remaining steps are now queued at once before the console exits.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux"), "needs tmux"))
struct SimulationQuitTests {
    @Test func quittingDuringADemoJobQueuesItsRemainingSteps() throws {
        let sandbox = try Sandbox()
        let listener = try Listener(folder: sandbox.folder)
        _ = try sandbox.createWebhook(name: "Jobs", url: "http://127.0.0.1:\(listener.port)/hooks")
        let session = try sandbox.console(dev: true)
        try session.waitFor("Webhooks (1)")
        try session.keys("s")
        try session.waitFor("Simulate")
        try session.keys("1")
        try session.waitFor("Simulating")
        try session.keys("q")
        // All 7 steps (job PENDING, RUNNING, two tasks RUNNING and SUCCEEDED, job SUCCEEDED).
        let deadline = Date().addingTimeInterval(10)
        var bodies: [String] = []
        while Date() < deadline {
            let queue = try GRDB.DatabaseQueue(path: sandbox.db)
            bodies = try queue.read { db in
                try String.fetchAll(db, sql: "SELECT CAST(body AS TEXT) FROM messages ORDER BY createdAt")
            }
            try queue.close()
            if bodies.count >= 7 { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(bodies.count == 7, "\(bodies.count) steps queued")
        #expect(bodies.last?.contains(#""status":"SUCCEEDED""#) == true)
    }
}
