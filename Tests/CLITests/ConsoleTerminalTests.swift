import Foundation
import Testing

/// The console where it cannot run, or on a terminal this machine does not know: a clear
/// word and nothing touched, or a working screen and a note — never a hang or a blank screen.
@Suite("Console: where it can and cannot run")
struct ConsoleTerminalTests {
    @Test("standard input from a pipe: refused in words, before the database is created")
    func pipedInput() throws {
        let sandbox = try Sandbox()
        let result = try sandbox.hookdash([], stdin: Data("q\n".utf8))
        #expect(result.status == 64)
        #expect(result.stderr.contains("the console needs a terminal, and standard input is not one"), "\(result.stderr)")
        #expect(result.stderr.contains("hookdash --help"))
        #expect(!FileManager.default.fileExists(atPath: sandbox.db))
    }

    /// It used to spin on the end of /dev/null at full CPU, forever.
    @Test("standard input from /dev/null: refused, not a busy loop")
    func nullInput() throws {
        let sandbox = try Sandbox()
        let result = try CLIHarness.runProgram(
            "/bin/sh", ["-c", "exec /usr/bin/timeout 20 \(CLIHarness.binary) --db \(sandbox.db) < /dev/null"])
        #expect(result.status == 64, "status \(result.status) (124: it never ended); \(result.stderr)")
        #expect(result.stderr.contains("standard input is not one"))
    }
}

@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux"), "needs tmux"))
struct ConsoleTerminalTypeTests {
    @Test("TERM=dumb cannot draw a screen: says so and leaves the terminal as it was")
    func dumbTerminal() throws {
        let sandbox = try Sandbox()
        let session = try TmuxSession(
            width: 100, height: 24,
            command: "TERM=dumb \(CLIHarness.binary) --db \(sandbox.db); echo \"EXITED $?\"; sleep 30")
        try session.waitFor("EXITED 64")
        let screen = try session.screen().replacingOccurrences(of: "\n", with: "")
        #expect(screen.contains("TERM=dumb cannot move the cursor"), "\(screen)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.db))
    }

    /// The Linux console and vt100 have no alternate screen: the last frame stayed, and the
    /// shell wrote its next lines over the footer.
    @Test("a terminal without an alternate screen is left blank on quitting", arguments: ["linux", "vt100"])
    func noAlternateScreen(type: String) throws {
        let sandbox = try Sandbox()
        _ = try sandbox.createWebhook(name: "Left behind", url: "https://example.com/in")
        let session = try TmuxSession(
            width: 80, height: 24,
            command: "TERM=\(type) \(CLIHarness.binary) --db \(sandbox.db); echo \"EXITED $?\"; sleep 30")
        try session.waitFor("Left behind")
        try session.keys("q")
        try session.waitFor("EXITED 0")
        let screen = try session.screen()
        #expect(!screen.contains("Left behind") && !screen.contains("quit"), "\(screen)")
    }

    /// kitty, alacritty or ghostty over SSH name a type the server may not describe.
    @Test("a TERM this machine has no entry for: drawn as xterm-256color, with a note")
    func unknownTerminalType() throws {
        let sandbox = try Sandbox()
        let session = try TmuxSession(
            width: 100, height: 24,
            command: "TERM=hookdash-test-nonesuch \(CLIHarness.binary) --db \(sandbox.db); echo \"EXITED $?\"; sleep 30")
        try session.waitFor("The webhooks dashboard is empty.")
        try session.waitFor("TERM=hookdash-test-nonesuch is unknown here; drawing as xterm-256color")
        try session.keys("n")
        try session.waitFor("Create Webhook")
        try session.keys("Escape")
        try session.waitFor("The webhooks dashboard is empty.")
        try session.keys("q")
        try session.waitFor("EXITED 0")
    }
}
