import Testing
@testable import HookdashUI

@Suite struct GridTests {
    @Test func textIsClippedAtTheRightEdge() {
        var grid = Grid(width: 5, height: 1)
        let used = grid.put("abcdefgh", x: 2, y: 0, style: .plain)
        #expect(used == 3)
        #expect(grid.text == "  abc")
    }

    @Test func wideCharactersTakeTwoCells() {
        var grid = Grid(width: 6, height: 1)
        grid.put("日本x", x: 0, y: 0, style: .plain)
        #expect(grid[0, 0].text == "日")
        #expect(grid[1, 0].isContinuation)
        #expect(grid[2, 0].text == "本")
        #expect(grid[4, 0].text == "x")
        #expect(grid.text == "日本x")
    }

    @Test func aWideCharacterNeverStraddlesTheEdge() {
        var grid = Grid(width: 4, height: 1)
        grid.put("a日本", x: 0, y: 0, style: .plain)
        #expect(grid[1, 0].text == "日")
        #expect(grid[3, 0].text == " ")
        #expect(!grid[3, 0].isContinuation)
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var grid = Grid(width: 4, height: 1)
        grid.put("日本", x: 0, y: 0, style: .plain)
        grid.put("x", x: 1, y: 0, style: .plain)
        #expect(grid.textLines[0] == " x本")
    }

    @Test func combiningMarksJoinThePreviousCell() {
        var grid = Grid(width: 4, height: 1)
        grid.put("e\u{301}x", x: 0, y: 0, style: .plain)
        #expect(grid[1, 0].text == "x")
        #expect(TextWidth.of("e\u{301}x") == 2)
    }

    /// The attempt view broke "connection refused by 127.0.0.1:18304" as "127.0" / ".0.1:18304",
    /// and started the rest of a "Result   …" line two columns in, not under its value.
    @Test func aWrappedLineBreaksAtASpaceAndGoesOnUnderItsValue() {
        let line = "Result   no response in 3 ms — connection refused by 127.0.0.1:18304 (nothing is listening there)"
        let rows = TextWidth.wrap(line, columns: 58)
        #expect(rows == [
            "Result   no response in 3 ms — connection refused by ",
            "         127.0.0.1:18304 (nothing is listening there)",
        ])
        // A long word with no space in the row's second half is still cut to fit.
        #expect(TextWidth.wrap("  " + String(repeating: "x", count: 30), columns: 20).allSatisfy { TextWidth.of($0) <= 20 })
    }

    @Test func widthsFollowEastAsianWidth() {
        #expect(TextWidth.of("abc") == 3)
        #expect(TextWidth.of("日本語") == 6)
        #expect(TextWidth.of("한국") == 4)
        #expect(TextWidth.of("🚀") == 2)
        #expect(TextWidth.of("ü") == 1)
    }

    /// ncurses draws one spacing character per cell (plus marks): what a cell sends must be
    /// that, and as wide as the layout counted, or the columns after it slip.
    @Test func joinedEmojiAndFlagsDrawAsOneGlyphOfTheCountedWidth() {
        let family: Character = "👨\u{200D}👩\u{200D}👧"
        #expect(TextWidth.drawable(family) == ["👨"])
        #expect(TextWidth.of(family) == 2)
        #expect(TextWidth.drawable("👍🏽") == ["👍"])
        #expect(TextWidth.drawable("🏳️\u{200D}🌈") == ["🏳", "\u{FE0F}"])
        #expect(TextWidth.of("🏳️\u{200D}🌈") == 2)
        #expect(TextWidth.drawable("🇯🇵") == ["J", "P"])
        #expect(TextWidth.of("🇯🇵") == 2)
        #expect(TextWidth.of("🇯") == 1)
        #expect(TextWidth.drawable("e\u{301}") == ["e", "\u{301}"])
        #expect(TextWidth.drawable("x") == ["x"])
    }

    @Test func truncationEndsInAnEllipsisAndRespectsWideCharacters() {
        #expect(TextWidth.truncate("hello world", to: 8) == "hello w…")
        #expect(TextWidth.truncate("short", to: 8) == "short")
        #expect(TextWidth.truncate("日本語テキスト", to: 6) == "日本…")
        #expect(TextWidth.of(TextWidth.truncate("日本語テキスト", to: 6)) <= 6)
    }

    @Test func middleShorteningKeepsBothEnds() {
        let url = "https://hooks.example.com/very/long/path/to/receiver"
        let short = TextWidth.shortenMiddle(url, to: 21)
        #expect(short == "https://ho…o/receiver")
        #expect(TextWidth.of(short) <= 21)
    }

    @Test func boxDrawsBordersAndTitle() {
        var grid = Grid(width: 12, height: 3)
        grid.box(Rect(x: 0, y: 0, width: 12, height: 3), style: .plain, title: "Hi")
        #expect(grid.text == "┌─ Hi ─────┐\n│          │\n└──────────┘")
    }
}

@Suite struct ColourTests {
    @Test func rgbMapsToTheNearestOf256() {
        #expect(ColorResolution.index(of: .rgb(0, 95, 135), colorCount: 256) == 24)
        #expect(ColorResolution.index(of: .rgb(250, 250, 250), colorCount: 256) == 15)
    }

    @Test func eightColourTerminalsFoldOntoTheClassicEight() {
        #expect(ColorResolution.index(of: .rgb(0, 95, 135), colorCount: 8) == 6)
        #expect(ColorResolution.index(of: .indexed(24), colorCount: 8) == 6)
        #expect(ColorResolution.index(of: .indexed(12), colorCount: 8) == 4)
        #expect(ColorResolution.index(of: .indexed(3), colorCount: 8) == 3)
        #expect(ColorResolution.index(of: .terminalDefault, colorCount: 8) == nil)
    }
}
