/// Column widths of text as a terminal draws it: East Asian wide characters and most emoji
/// take two columns, combining marks none. A fixed table (rather than the C library's
/// `wcwidth`) keeps the layout the same whatever locale a test or process runs under.
public enum TextWidth {
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        // An emoji-presentation selector turns a narrow symbol into a wide emoji.
        if scalars.contains(where: { $0.value == 0xFE0F }) && first.value > 0x7F { return 2 }
        // A flag: two regional indicators, drawn as the region's two letters.
        if isRegionalIndicator(first) && scalars.count > 1 { return 2 }
        return of(first)
    }

    /// 🇦…🇿: two make a flag (🇯🇵).
    public static func isRegionalIndicator(_ scalar: Unicode.Scalar) -> Bool {
        (0x1F1E6...0x1F1FF).contains(scalar.value)
    }

    /// What a cell holding `character` sends to the terminal: ncurses takes one spacing
    /// character and the marks that combine with it, so a joined emoji (👨‍👩‍👧, 👍🏽) keeps
    /// its first, and a flag becomes its region's letters ("JP") — whose widths `of` counts.
    /// Sending the whole sequence garbled the row and pushed the columns after it out of line.
    public static func drawable(_ character: Character) -> [Unicode.Scalar] {
        let scalars = Array(character.unicodeScalars)
        guard let first = scalars.first else { return [] }
        if isRegionalIndicator(first) {
            return scalars.prefix(2).map { Unicode.Scalar(UInt8(ascii: "A") + UInt8($0.value - 0x1F1E6)) }
        }
        var kept = [first]
        for scalar in scalars.dropFirst() {
            guard scalar.value != 0x200D, of(scalar) == 0, kept.count < 5 else { break }
            kept.append(scalar)
        }
        return kept
    }

    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x20 || (value >= 0x7F && value < 0xA0) { return 0 }
        if value < 0x300 { return 1 }
        if isZeroWidth(value) { return 0 }
        return isWide(value) ? 2 : 1
    }

    public static func of(_ text: String) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    static func isZeroWidth(_ value: UInt32) -> Bool {
        switch value {
        case 0x300...0x36F, 0x483...0x489, 0x591...0x5BD, 0x610...0x61A, 0x64B...0x65F,
             0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2064, 0x20D0...0x20FF,
             0xFE00...0xFE0F, 0xFE20...0xFE2F, 0xFEFF, 0xE0100...0xE01EF:
            return true
        default:
            return false
        }
    }

    static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3,
             0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F, 0x2693, 0x26A1,
             0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE, 0x26D4, 0x26EA,
             0x26F2...0x26F3, 0x26F5, 0x26FA, 0x26FD, 0x2705, 0x270A...0x270B, 0x2728, 0x274C,
             0x274E, 0x2753...0x2755, 0x2757, 0x2795...0x2797, 0x27B0, 0x27BF, 0x2B1B...0x2B1C,
             0x2B50, 0x2B55, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19,
             0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x18AFF,
             0x1B000...0x1B2FF, 0x1F004, 0x1F0CF, 0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F251,
             0x1F300...0x1F320, 0x1F32D...0x1F335, 0x1F337...0x1F37C, 0x1F37E...0x1F393,
             0x1F3A0...0x1F3CA, 0x1F3CF...0x1F3D3, 0x1F3E0...0x1F3F0, 0x1F3F4, 0x1F3F8...0x1F43E,
             0x1F440, 0x1F442...0x1F4FC, 0x1F4FF...0x1F53D, 0x1F54B...0x1F54E, 0x1F550...0x1F567,
             0x1F57A, 0x1F595...0x1F596, 0x1F5A4, 0x1F5FB...0x1F64F, 0x1F680...0x1F6C5, 0x1F6CC,
             0x1F6D0...0x1F6D2, 0x1F6D5...0x1F6D7, 0x1F6EB...0x1F6EC, 0x1F6F4...0x1F6FC,
             0x1F7E0...0x1F7EB, 0x1F90C...0x1F93A, 0x1F93C...0x1F945, 0x1F947...0x1F9FF,
             0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// Cuts text to at most `width` columns, ending in "…" when something was cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if of(text) <= width { return text }
        return prefix(text, columns: width - 1) + "…"
    }

    /// Shortens text in the middle ("https://exa…/hooks") so both ends stay readable,
    /// which suits URLs whose host and path both matter.
    public static func shortenMiddle(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if of(text) <= width { return text }
        if width < 5 { return truncate(text, to: width) }
        let headColumns = (width - 1 + 1) / 2
        let tailColumns = width - 1 - headColumns
        return prefix(text, columns: headColumns) + "…" + suffix(text, columns: tailColumns)
    }

    /// The longest start of `text` that fits in `columns`.
    public static func prefix(_ text: String, columns: Int) -> String {
        var used = 0
        var result = ""
        for character in text {
            let width = of(character)
            if used + width > columns { break }
            used += width
            result.append(character)
        }
        return result
    }

    /// The longest end of `text` that fits in `columns`.
    public static func suffix(_ text: String, columns: Int) -> String {
        var used = 0
        var result: [Character] = []
        for character in text.reversed() {
            let width = of(character)
            if used + width > columns { break }
            used += width
            result.append(character)
        }
        return String(result.reversed())
    }

    /// `text` cut into rows of at most `columns`; rows after the first start with the line's
    /// own indentation plus two spaces, so a wrapped JSON value still reads as part of its key.
    public static func wrap(_ text: String, columns: Int) -> [String] {
        // No character takes more columns than its UTF-8 bytes: a short line needs no
        // measuring, which most of a pretty-printed payload's lines are.
        guard columns > 0, text.utf8.count > columns, of(text) > columns else { return [text] }
        // A "Result   value" line goes on under its value; others two columns in.
        let labelled = text.prefixMatch(of: /[A-Za-z]+ {2,}/).map { $0.output.count }
        let indent = String(repeating: " ", count: min(labelled ?? text.prefix { $0 == " " }.count + 2, columns / 2))
        var rows: [String] = []
        var rest = Substring(text)
        var available = columns
        while !rest.isEmpty {
            var row = prefix(String(rest), columns: available)
            if row.isEmpty { row = String(rest.prefix(1)) }  // a wide character in a 1-column row
            // At a space in the row's second half rather than inside a word ("127.0 / .0.1").
            if row.count < rest.count, rest[rest.index(rest.startIndex, offsetBy: row.count)] != " ",
               let space = row.lastIndex(of: " "), row.distance(from: row.startIndex, to: space) >= row.count / 2 {
                row = String(row[...space])
            }
            rows.append((rows.isEmpty ? "" : indent) + row)
            rest = rest.dropFirst(row.count)
            available = columns - indent.count
        }
        return rows
    }

    /// `text` in rows of at most `columns`, broken at spaces (runs of them kept inside a
    /// row); a word wider than a row is cut.
    public static func wrapWords(_ text: String, columns: Int) -> [String] {
        guard columns > 0 else { return [text] }
        var rows: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if of(candidate) <= columns {
                current = candidate
                continue
            }
            if !current.isEmpty { rows.append(current) }
            current = String(word)
            while of(current) > columns {
                let row = prefix(current, columns: columns)
                rows.append(row)
                current.removeFirst(max(1, row.count))
            }
        }
        rows.append(current)
        return rows
    }

    /// Pads with spaces on the right up to `width` columns (after truncating if longer).
    public static func pad(_ text: String, to width: Int) -> String {
        let fitted = truncate(text, to: width)
        return fitted + String(repeating: " ", count: max(0, width - of(fitted)))
    }
}
