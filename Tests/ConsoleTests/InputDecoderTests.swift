import Testing
import HookdashUI

/// Escape sequences ncurses leaves undecoded reach the decoder as an Esc and then characters.
@Suite struct InputDecoderTests {
    /// Feeds `text` as character codes, then says nothing more is waiting.
    func decode(_ text: String, then raws: [RawInput] = []) -> [InputEvent] {
        var decoder = InputDecoder()
        var events = text.unicodeScalars.flatMap { decoder.feed(.code($0.value)) }
        events += raws.flatMap { decoder.feed($0) }
        return events + decoder.idle()
    }

    func keys(_ keys: Key...) -> [InputEvent] { keys.map { .key($0) } }

    @Test func aLoneEscIsTheEscKeyOnceNothingFollows() {
        var decoder = InputDecoder()
        #expect(decoder.feed(.code(27)).isEmpty, "it may start a sequence")
        #expect(decoder.idle() == keys(.escape))
        #expect(decode("\u{1B}\u{1B}\u{1B}") == keys(.escape, .escape, .escape))
    }

    /// tmux sends these for Home and End whatever TERM says; xterm-256color's terminfo lists
    /// only ESC OH and ESC OF, so a form read Home as Esc and asked "Discard changes?".
    @Test(arguments: ["\u{1B}[1~", "\u{1B}[7~", "\u{1B}[H", "\u{1B}OH"])
    func homeInEveryEncoding(sequence: String) {
        #expect(decode(sequence) == keys(.home))
    }

    @Test(arguments: ["\u{1B}[4~", "\u{1B}[8~", "\u{1B}[F", "\u{1B}OF"])
    func endInEveryEncoding(sequence: String) {
        #expect(decode(sequence) == keys(.end))
    }

    @Test func otherKnownSequences() {
        #expect(decode("\u{1B}[A\u{1B}[D\u{1B}OB\u{1B}[5~\u{1B}[6~\u{1B}[3~\u{1B}[Z")
            == keys(.up, .left, .down, .pageUp, .pageDown, .delete, .backTab))
        #expect(decode("\u{1B}OP\u{1B}[11~\u{1B}[24~") == keys(.function(1), .function(1), .function(12)))
    }

    @Test func altKeysAreNotEsc() {
        #expect(decode("\u{1B}b\u{1B}f") == keys(.alt(.character("b")), .alt(.character("f"))))
        #expect(decode("\u{1B}\u{7F}") == keys(.alt(.backspace)))
        // ncurses may already have read DEL as its backspace key.
        #expect(decode("\u{1B}", then: [.decoded(.key(.backspace))]) == keys(.alt(.backspace)))
    }

    @Test func unknownSequencesAreDroppedWhole() {
        // Ctrl-Right, a focus report, a mouse report in a mode ncurses did not ask for, an
        // Insert key: none of them is an Esc, nor typing.
        #expect(decode("\u{1B}[1;5C\u{1B}[I\u{1B}[<0;12;5M\u{1B}[2~x") == keys(.character("x")))
        #expect(decode("\u{1B}Ox\u{1B}[") == [])
    }

    @Test func aControlCharacterCutsASequenceShortAndIsRead() {
        #expect(decode("\u{1B}[1\r") == keys(.enter))
    }

    @Test func plainCharacters() {
        #expect(decode("a\t\r\u{7F}\u{17}é") == keys(.character("a"), .tab, .enter, .backspace, .control("w"), .character("é")))
    }

    @Test func eventsTheLibraryDecodedPassThrough() {
        let click = InputEvent.mouse(MouseEvent(button: .left, x: 3, y: 4))
        #expect(decode("", then: [.decoded(.key(.up)), .decoded(click)]) == [.key(.up), click])
        // An Esc cut into by a click was the Esc key.
        #expect(decode("\u{1B}", then: [.decoded(click)]) == [.key(.escape), click])
    }
}

/// Bracketed paste: the terminal wraps pasted text in ESC[200~ … ESC[201~.
@Suite struct BracketedPasteDecodingTests {
    func decode(_ chunks: [String]) -> [InputEvent] {
        var decoder = InputDecoder()
        return chunks.flatMap { chunk in chunk.unicodeScalars.flatMap { decoder.feed(.code($0.value)) } + decoder.idle() }
    }

    @Test func aPasteIsOneEventWithItsLineBreaksAndLetters() {
        #expect(decode(["\u{1B}[200~Line1\rLine2\tq\u{1B}[201~j"]) == [.paste("Line1\rLine2\tq"), .key(.character("j"))])
    }

    @Test func itWaitsForTheEndMarkerAcrossReadsAndIdleMoments() {
        #expect(decode(["\u{1B}[200~first ", "half", "\u{1B}[2", "01~"]) == [.paste("first half")])
    }

    @Test func anEscInThePastedTextIsText() {
        #expect(decode(["\u{1B}[200~a\u{1B}b\u{1B}[20x\u{1B}\u{1B}[201~"]) == [.paste("a\u{1B}b\u{1B}[20x\u{1B}")])
    }

    @Test func keysTheLibraryDecodedInsideAPasteAreNotText() {
        var decoder = InputDecoder()
        var events = "\u{1B}[200~ab".unicodeScalars.flatMap { decoder.feed(.code($0.value)) }
        events += decoder.feed(.decoded(.key(.backspace)))
        events += decoder.feed(.decoded(.resize(width: 90, height: 30)))
        events += "\u{1B}[201~".unicodeScalars.flatMap { decoder.feed(.code($0.value)) }
        #expect(events == [.resize(width: 90, height: 30), .paste("ab")])
    }

    @Test func aHugePasteKeepsItsStartAndStillEnds() {
        let events = decode(["\u{1B}[200~" + String(repeating: "x", count: InputDecoder.pasteLimit + 10) + "\u{1B}[201~q"])
        #expect(events.count == 2)
        if case .paste(let text) = events.first { #expect(text.count == InputDecoder.pasteLimit) }
        #expect(events.last == .key(.character("q")))
    }

    @Test func aPasteWhoseEndNeverCameEnds() {
        var decoder = InputDecoder()
        _ = "\u{1B}[200~abc\u{1B}[20".unicodeScalars.flatMap { decoder.feed(.code($0.value)) }
        #expect(decoder.isPasting)
        #expect(decoder.endStalledPaste() == [.paste("abc\u{1B}[20")])
        #expect(decoder.feed(.code(113)) == [.key(.character("q"))])
    }
}
