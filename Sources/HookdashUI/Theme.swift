/// The parts of the screen a theme styles.
public enum ThemeRole: String, CaseIterable, Hashable, Sendable {
    case normal
    case header
    case footer
    case footerKey = "footer-key"
    case title
    case tableHeader = "table-header"
    case selection
    case muted
    case border
    case label
    case required
    case input
    case inputFocused = "input-focused"
    case error
    case success
    case warning
    case dialog
    case button
    case buttonFocused = "button-focused"
    case active
    case inactive
    case toast
    case filter
}

/// A set of styles, one per role, read from a theme file.
///
/// File format, one rule per line (`#` starts a comment):
///
///     role = foreground [background] [bold] [reverse] [underline] [dim]
///
/// Colours: `default` (the terminal's own), `black red green yellow blue magenta cyan white`,
/// `bright-black` … `bright-white` (also `grey`), `color0` … `color255`, or `#rrggbb` (mapped to
/// the nearest colour the terminal has). Roles a file leaves out keep the dark theme's style.
public struct Theme: Hashable, Sendable {
    public var name: String
    public var styles: [ThemeRole: Style]

    public init(name: String, styles: [ThemeRole: Style]) {
        self.name = name
        self.styles = styles
    }

    public subscript(role: ThemeRole) -> Style {
        styles[role] ?? Theme.fallbackStyles[role] ?? .plain
    }

    /// Parses a theme file. Roles it does not mention fall back to the dark theme.
    public static func parse(_ text: String, name: String) throws(ThemeError) -> Theme {
        var styles: [ThemeRole: Style] = [:]
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            let line = Self.strippingComment(rawLine)
            if line.isEmpty { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace() }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ThemeError(theme: name, line: lineNumber, message: "expected `role = foreground [background] [attributes]`")
            }
            guard let role = ThemeRole(rawValue: parts[0].lowercased()) else {
                throw ThemeError(theme: name, line: lineNumber, message: "unknown role '\(parts[0])' (known: \(ThemeRole.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            styles[role] = try parseStyle(parts[1], theme: name, line: lineNumber)
        }
        return Theme(name: name, styles: styles)
    }

    /// `#` starts a comment at the start of a line or after a space, unless it begins a
    /// `#rrggbb` colour.
    static func strippingComment(_ line: Substring) -> String {
        var end = line.endIndex
        var index = line.startIndex
        while index < line.endIndex {
            if line[index] == "#" {
                let before = index == line.startIndex ? " " : line[line.index(before: index)]
                let colour = line[line.index(after: index)...].prefix(7)
                let isColour = colour.prefix(6).count == 6 && colour.prefix(6).allSatisfy(\.isHexDigit)
                    && (colour.count == 6 || colour.last!.isWhitespace)
                if before.isWhitespace && !isColour {
                    end = index
                    break
                }
            }
            index = line.index(after: index)
        }
        return line[..<end].trimmingWhitespace()
    }

    static func parseStyle(_ text: String, theme: String, line: Int) throws(ThemeError) -> Style {
        var colours: [Color] = []
        var attributes: TextAttributes = []
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map({ $0.lowercased() }) {
            switch word {
            case "bold": attributes.insert(.bold)
            case "reverse": attributes.insert(.reverse)
            case "underline": attributes.insert(.underline)
            case "dim": attributes.insert(.dim)
            default:
                guard let colour = parseColour(word) else {
                    throw ThemeError(theme: theme, line: line, message: "unknown colour or attribute '\(word)'")
                }
                guard attributes.isEmpty else {
                    throw ThemeError(theme: theme, line: line, message: "colours come before attributes ('\(word)')")
                }
                colours.append(colour)
            }
        }
        guard !colours.isEmpty else {
            throw ThemeError(theme: theme, line: line, message: "a foreground colour is required (use `default` for the terminal's)")
        }
        guard colours.count <= 2 else {
            throw ThemeError(theme: theme, line: line, message: "at most two colours: foreground and background")
        }
        return Style(foreground: colours[0], background: colours.count > 1 ? colours[1] : .terminalDefault, attributes: attributes)
    }

    static let namedColours: [String: UInt8] = [
        "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
        "bright-black": 8, "grey": 8, "gray": 8, "bright-red": 9, "bright-green": 10, "bright-yellow": 11,
        "bright-blue": 12, "bright-magenta": 13, "bright-cyan": 14, "bright-white": 15,
    ]

    static func parseColour(_ word: String) -> Color? {
        if word == "default" { return .terminalDefault }
        if let index = namedColours[word] { return .indexed(index) }
        if word.hasPrefix("color"), let index = UInt8(word.dropFirst(5)) { return .indexed(index) }
        if word.hasPrefix("#"), word.count == 7, let value = UInt32(word.dropFirst(), radix: 16) {
            return .rgb(UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF))
        }
        return nil
    }

    /// The same theme with every colour removed, for NO_COLOR and colourless terminals. Roles
    /// whose meaning was carried by colour alone get an attribute instead, so a selected row,
    /// a focused field or an error still stands out.
    public var monochrome: Theme {
        var result: [ThemeRole: Style] = [:]
        for role in ThemeRole.allCases {
            result[role] = self[role].withoutColour
        }
        let emphasis: [ThemeRole: TextAttributes] = [
            .header: [.reverse], .footerKey: [.bold], .title: [.bold], .tableHeader: [.bold, .underline],
            .selection: [.reverse], .inputFocused: [.reverse], .error: [.bold], .required: [.bold],
            .buttonFocused: [.reverse], .success: [.bold], .warning: [.bold], .toast: [.reverse],
            .muted: [.dim], .inactive: [.dim], .input: [.underline],
        ]
        for (role, attributes) in emphasis {
            result[role]?.attributes.formUnion(attributes)
        }
        return Theme(name: name + " (monochrome)", styles: result)
    }

    /// The theme as a terminal of `colorCount` colours can show it. Below 256 the eight
    /// colours have no grey: grey backgrounds of fields and buttons fold onto black (invisible
    /// on a dark terminal), so they are dropped and the cell underlined; grey text of hints
    /// and borders folds onto yellow, so it becomes dim default text.
    public func fitted(toColorCount colorCount: Int) -> Theme {
        guard colorCount < 256 else { return self }
        var result = styles
        for role in ThemeRole.allCases {
            var style = self[role]
            if ColorResolution.isGrey(style.background) {
                style.background = .terminalDefault
                style.attributes.formUnion(.underline)
            }
            if ColorResolution.isGrey(style.foreground) {
                style.foreground = .terminalDefault
                style.attributes.formUnion(.dim)
            }
            result[role] = style
        }
        return Theme(name: name, styles: result)
    }

    static let fallbackStyles: [ThemeRole: Style] = {
        (try? Theme.parse(BuiltInThemes.dark, name: "dark"))?.styles ?? [:]
    }()

    /// A built-in theme by name, or nil.
    public static func builtIn(named name: String) -> Theme? {
        guard let text = BuiltInThemes.files[name] else { return nil }
        return try? Theme.parse(text, name: name)
    }

    public static var dark: Theme { builtIn(named: "dark") ?? Theme(name: "dark", styles: fallbackStyles) }
}

public struct ThemeError: Error, Hashable, Sendable, CustomStringConvertible {
    public var theme: String
    public var line: Int
    public var message: String

    public var description: String { "theme \(theme), line \(line): \(message)" }
}

extension Substring {
    func trimmingWhitespace() -> String {
        var slice = self[...]
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
