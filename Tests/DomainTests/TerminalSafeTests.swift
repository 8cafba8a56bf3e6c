import Testing
@testable import HookdashDomain

/// Network text shown on a terminal keeps every printable character and shows every control
/// character instead of sending it.
@Suite struct TerminalSafeTests {
    @Test func plainTextIsUnchanged() {
        let text = "HTTP 302 redirect to https://example.com/ünïcode 漢字 ✓"
        #expect(TerminalSafe.text(text) == text)
    }

    @Test func controlCharactersBecomeCaretNotation() {
        #expect(TerminalSafe.text("\u{1B}[31mred\u{1B}[0m") == "^[[31mred^[[0m")
        #expect(TerminalSafe.text("a\rb\u{0}c\u{7F}d\u{8}") == "a^Mb^@c^?d^H")
        #expect(TerminalSafe.text("title\u{1B}]0;owned\u{7}") == "title^[]0;owned^G")
        // C1 controls (a lone CSI) and the Unicode line separators have no caret form.
        #expect(TerminalSafe.text("x\u{9B}31my\u{2028}z") == "x<U+9B>31my<U+2028>z")
    }

    @Test func lineBreaksAreKeptOnlyWhenAsked() {
        #expect(TerminalSafe.text("a\nb\tc") == "a^Jb^Ic")
        #expect(TerminalSafe.text("a\nb\tc\u{1B}", keepingLineBreaks: true) == "a\nb\tc^[")
    }
}
