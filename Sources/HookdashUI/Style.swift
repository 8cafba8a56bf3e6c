/// A terminal colour as a theme names it. The backend resolves it to what the terminal has.
public enum Color: Hashable, Sendable {
    /// The terminal's own foreground or background (transparent backgrounds keep working).
    case terminalDefault
    /// One of the 256 indexed colours; 0–7 are the classic eight, 8–15 their bright forms.
    case indexed(UInt8)
    /// A true colour from a theme file, mapped to the nearest colour the terminal can show.
    case rgb(UInt8, UInt8, UInt8)

    public static let black = Color.indexed(0)
    public static let red = Color.indexed(1)
    public static let green = Color.indexed(2)
    public static let yellow = Color.indexed(3)
    public static let blue = Color.indexed(4)
    public static let magenta = Color.indexed(5)
    public static let cyan = Color.indexed(6)
    public static let white = Color.indexed(7)
}

/// Text attributes a cell can carry on top of its colours.
public struct TextAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let reverse = TextAttributes(rawValue: 1 << 1)
    public static let underline = TextAttributes(rawValue: 1 << 2)
    public static let dim = TextAttributes(rawValue: 1 << 3)
}

/// How one cell looks: foreground, background and attributes.
public struct Style: Hashable, Sendable {
    public var foreground: Color
    public var background: Color
    public var attributes: TextAttributes

    public init(
        foreground: Color = .terminalDefault,
        background: Color = .terminalDefault,
        attributes: TextAttributes = []
    ) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    public static let plain = Style()

    public func adding(_ extra: TextAttributes) -> Style {
        var copy = self
        copy.attributes.formUnion(extra)
        return copy
    }

    /// The same look without any colour, for NO_COLOR and colourless terminals.
    public var withoutColour: Style {
        Style(foreground: .terminalDefault, background: .terminalDefault, attributes: attributes)
    }
}
