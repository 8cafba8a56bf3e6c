import HookdashUI

/// An editable line of text with a cursor, counted in characters (grapheme clusters) so wide
/// characters and accents move and delete as one.
public struct TextField: Equatable, Sendable {
    public private(set) var characters: [Character]
    public private(set) var cursor: Int
    /// The most characters typing or pasting may make it hold: what the field's value may be
    /// when saved, so a paste too long is cut where the operator sees it, not refused later.
    public let limit: Int

    /// Filters and searches match names, URLs and ids: nothing longer than a URL finds more.
    public static let defaultLimit = 2048

    /// `text` is kept whole even beyond `limit` (a stored value is shown as it is).
    public init(_ text: String = "", limit: Int = TextField.defaultLimit) {
        characters = Array(text)
        cursor = characters.count
        self.limit = limit
    }

    public var text: String { String(characters) }

    /// Inserts at the cursor as much of `text` as the limit leaves room for; false when some
    /// of it was left out.
    @discardableResult
    public mutating func insert(_ text: String) -> Bool {
        // A paste may carry line breaks or tabs; a one-line field keeps them as spaces.
        let cleaned = text.map { $0.isNewline || $0 == "\t" ? " " : $0 }
            .filter { !($0.asciiValue.map { $0 < 32 || $0 == 127 } ?? false) }
        let fitting = cleaned.prefix(max(0, limit - characters.count))
        // Clustered again as a whole: a terminal sends 👨‍👩‍👧 or e + U+0301 one code point at
        // a time, and characters appended one by one stay apart in the array, so Backspace
        // took a joiner or an accent off instead of the whole character.
        let before = String(characters[..<cursor]) + String(fitting)
        characters = Array(before + String(characters[cursor...]))
        cursor = min(Array(before).count, characters.count)
        return fitting.count == cleaned.count
    }

    public mutating func deleteBackward() {
        guard cursor > 0 else { return }
        characters.remove(at: cursor - 1)
        cursor -= 1
    }

    public mutating func deleteForward() {
        guard cursor < characters.count else { return }
        characters.remove(at: cursor)
    }

    public mutating func moveLeft() { cursor = max(0, cursor - 1) }
    public mutating func moveRight() { cursor = min(characters.count, cursor + 1) }
    public mutating func moveHome() { cursor = 0 }
    public mutating func moveEnd() { cursor = characters.count }

    public mutating func deleteToStart() {
        characters.removeFirst(cursor)
        cursor = 0
    }

    // Words as readline's Alt-b, Alt-f and Alt-Backspace see them: runs of letters and digits,
    // so in a URL one path segment or host label goes at a time, not the whole URL.

    /// Alt-b: to the start of the word before the cursor (or the one it is in).
    public mutating func moveWordLeft() { cursor = wordStart(before: cursor) }

    /// Alt-f: to the end of the word after the cursor (or the one it is in).
    public mutating func moveWordRight() {
        var index = cursor
        while index < characters.count, !Self.isWordCharacter(characters[index]) { index += 1 }
        while index < characters.count, Self.isWordCharacter(characters[index]) { index += 1 }
        cursor = index
    }

    /// Alt-Backspace, and Ctrl-W (zsh's way; bash's Ctrl-W would take everything back to a
    /// space, a whole URL): deletes from the start of the word before the cursor to it.
    public mutating func deleteWordBackward() {
        let start = wordStart(before: cursor)
        characters.removeSubrange(start..<cursor)
        cursor = start
    }

    private func wordStart(before position: Int) -> Int {
        var index = position
        while index > 0, !Self.isWordCharacter(characters[index - 1]) { index -= 1 }
        while index > 0, Self.isWordCharacter(characters[index - 1]) { index -= 1 }
        return index
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber
    }

    public mutating func replace(with text: String) {
        characters = Array(text)
        cursor = characters.count
    }

    /// The visible slice for a box `width` columns wide, scrolled so the cursor shows (or from
    /// the start, for a field without focus: a URL's scheme and host say more than its end),
    /// and the cursor's column inside that box. A side that text runs past ends in "…", so a
    /// cut value never passes for the whole one.
    public func visible(width: Int, masked: Bool, fromStart: Bool = false) -> (text: String, cursorColumn: Int) {
        let shown = masked ? Array(repeating: Character("•"), count: characters.count) : characters
        let widths = shown.map { TextWidth.of($0) }
        var start = 0
        var columnsBeforeCursor = widths[0..<cursor].reduce(0, +)
        // Keep one column free for the cursor at the end, and one more for the "…" after it
        // when text follows: the mark would hide the character under the cursor.
        let reserve = cursor < shown.count ? 2 : 1
        while !fromStart && columnsBeforeCursor > width - reserve && start < cursor {
            columnsBeforeCursor -= widths[start]
            start += 1
        }
        var cells: [(Character, Int)] = []
        var used = 0
        var end = start
        while end < shown.count, used + widths[end] <= width {
            cells.append((shown[end], widths[end]))
            used += widths[end]
            end += 1
        }
        if width >= 3, start > 0, let first = cells.first {
            cells[0] = ("…", 1)
            if first.1 == 2 { cells.insert((" ", 1), at: 1) }
        }
        if width >= 3, end < shown.count, let last = cells.last {
            // A wide character that did not fit left a free column for the mark.
            if used < width {
                cells.append(("…", 1))
            } else {
                cells[cells.count - 1] = ("…", 1)
                if last.1 == 2 { cells.append((" ", 1)) }
            }
        }
        return (String(cells.map(\.0)), columnsBeforeCursor)
    }
}
