import Testing
@testable import HookdashConsole

/// How a text field longer than its box is shown.
@Suite struct TextFieldViewTests {
    @Test func aCutSideEndsInAnEllipsis() {
        var field = TextField("https://example.com/segment/segment/end")
        field.moveEnd()
        let focused = field.visible(width: 12, masked: false)
        #expect(focused.text == "…egment/end")
        #expect(focused.cursorColumn == 11, "the cursor after the last character, in the free column")
        // Without focus it shows from the start: the scheme and host, then where it is cut.
        #expect(field.visible(width: 12, masked: false, fromStart: true).text == "https://exa…")
        field.moveHome()
        #expect(field.visible(width: 12, masked: false).text == "https://exa…")
        // Text that fits is shown as it is.
        #expect(TextField("short").visible(width: 12, masked: false).text == "short")
    }

    /// Three from the end of a long text, the cursor sat on the end's "…", hiding its character.
    @Test func theCursorIsNeverOnAMark() {
        var field = TextField("abcdefghijklmnopqrstuvwxyz")
        field.moveEnd()
        for _ in 0..<3 { field.moveLeft() }
        let shown = field.visible(width: 10, masked: false)
        let cells = Array(shown.text)
        #expect(cells[shown.cursorColumn] == "x", "\(shown)")
        #expect(cells.last == "…")
    }

    @Test func aWideCharacterCutOffKeepsTheColumns() {
        var field = TextField("東京東京東京東京")
        field.moveEnd()
        // The cursor's free column at the end; the first wide character becomes "…" and a space.
        #expect(field.visible(width: 9, masked: false).text == "… 京東京")
        #expect(TextField("東京東京東京東京").visible(width: 9, masked: false, fromStart: true).text == "東京東京…")
    }
}
