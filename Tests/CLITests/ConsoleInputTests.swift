import Foundation
import Testing

/// Keys as a real terminal sends them, through tmux, to the real console.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux"), "needs tmux"))
struct ConsoleInputTests {
    /// The Name field's row of the form, as drawn.
    func nameRow(_ session: TmuxSession) throws -> String {
        try session.screen().split(separator: "\n").first { $0.contains("Name *") }.map(String.init) ?? ""
    }

    /// TERM=linux names ESC[Z (tmux's Shift-Tab) as an extra key of its own, `kcbt2`, which
    /// ncurses hands over as an unnamed code: Shift-Tab did nothing in forms.
    @Test func shiftTabUnderTermLinux() throws {
        let sandbox = try Sandbox()
        let session = try TmuxSession(width: 100, height: 30, command: "TERM=linux \(CLIHarness.binary) --db \(sandbox.db)")
        try session.waitFor("The webhooks dashboard is empty.")
        try session.keys("n")
        try session.waitFor("Create Webhook")
        try session.type("aa")
        try session.keys("Tab")
        try session.type("u")
        try session.keys("BTab")
        try session.type("b")
        try session.waitFor("aab")
        #expect(try nameRow(session).contains("aab"))
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

    /// tmux pastes with bracket marks only when the program asked for them (mode 2004); the
    /// console never did, so a paste arrived as keys: its line break was Enter, and on the
    /// dashboard its letters were commands. (xterm-256color's terminfo names the marks, as
    /// PS and PE, which ncurses must not take for keys.)
    @Test func aPasteIsTextForAFieldAndNothingElsewhereAndTheModeEndsWithTheConsole() throws {
        let sandbox = try Sandbox()
        let session = try TmuxSession(
            width: 100, height: 30,
            command: "TERM=xterm-256color \(CLIHarness.binary) --db \(sandbox.db); echo EXITED; cat -v")
        try session.waitFor("The webhooks dashboard is empty.")
        try session.tmux(["set-buffer", "qd"])
        try session.tmux(["paste-buffer", "-p"])
        try session.waitFor("Paste ignored: pasted text goes into a text field")
        try session.keys("n")
        try session.waitFor("Create Webhook")
        try session.tmux(["set-buffer", "Line1\nLine2"])
        try session.tmux(["paste-buffer", "-p"])
        let deadline = Date().addingTimeInterval(5)
        while try !nameRow(session).contains("Line1 Line2"), Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        let screen = try session.screen()
        #expect(try nameRow(session).contains("Name *           Line1 Line2 "), "\(screen)")
        // Focus stayed in the name: typing goes on there.
        try session.type("!")
        try session.waitFor("Line1 Line2!")
        try session.keys("C-c")
        try session.waitFor("Quit without saving?")
        try session.keys("y")
        try session.waitFor("EXITED")
        // The shell's programs get plain pastes again.
        try session.tmux(["set-buffer", "after"])
        try session.tmux(["paste-buffer", "-p"])
        try session.waitFor("after")
        #expect(try !session.screen().contains("[200~"))
    }

    /// Ctrl-Z gives the terminal back without the mode, and fg takes it up again: the shell
    /// turns it off for the programs it runs.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/bash"), "needs bash"))
    func aPasteAfterCtrlZAndFg() throws {
        let sandbox = try Sandbox()
        let session = try TmuxSession(width: 100, height: 30, command: "bash --norc --noprofile -i")
        try session.type("PS1='ready$ '; \(CLIHarness.binary) --db \(sandbox.db)")
        try session.keys("Enter")
        try session.waitFor("The webhooks dashboard is empty.")
        try session.keys("C-z")
        try session.waitFor("Stopped")
        try session.type("fg")
        try session.keys("Enter")
        try session.waitFor("The webhooks dashboard is empty.")
        try session.keys("n")
        try session.waitFor("Create Webhook")
        try session.tmux(["set-buffer", "A\nB"])
        try session.tmux(["paste-buffer", "-p"])
        try session.waitFor("Name *           A B ")
        try session.keys("C-c")
        try session.waitFor("Quit without saving?")
        try session.keys("y")
        try session.waitFor("ready$")
    }
}
