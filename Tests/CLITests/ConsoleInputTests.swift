import Foundation
import Testing

/// Keys as a real terminal sends them, through tmux, to the real console.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux"), "needs tmux"))
struct ConsoleInputTests {
    /// The Name field's row of the form, as drawn.
    func nameRow(_ session: TmuxSession) throws -> String {
        try session.screen().split(separator: "\n").first { $0.contains("Name *") }.map(String.init) ?? ""
    }

    /// tmux sends Home and End as ESC[1~ and ESC[4~, which xterm-256color's terminfo does not
    /// list: ncurses handed them over as Esc and characters, and the changed form asked
    /// "Discard changes?". Alt-keys arrived the same way.
    @Test func homeEndAndAltKeysUnderXterm256colorInTmux() throws {
        let sandbox = try Sandbox()
        let session = try TmuxSession(
            width: 100, height: 30, command: "TERM=xterm-256color \(CLIHarness.binary) --db \(sandbox.db); sleep 30")
        try session.waitFor("The webhooks dashboard is empty.")
        try session.keys("n")
        try session.waitFor("Create Webhook")
        try session.type("abc def")
        try session.keys("Home")
        try session.type("X")
        try session.keys("End")
        try session.type("Y")
        try session.keys("M-BSpace")  // deletes "defY"
        try session.keys("M-b")       // to the start of "Xabc"
        try session.type("Z")
        let deadline = Date().addingTimeInterval(5)
        while try !nameRow(session).contains("ZXabc "), Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        let screen = try session.screen()
        #expect(try nameRow(session).contains("Name *           ZXabc   "), "\(screen)")
        #expect(try !session.screen().contains("Discard changes?"))
        // Other Alt-keys do nothing, and a lone Esc still backs out at once.
        try session.keys("M-x")
        try session.keys("Escape")
        try session.waitFor("Discard changes?", timeout: 2)
    }
}
