/// One screen cell. A wide character occupies its own cell plus a continuation cell to its
/// right, which draws nothing.
public struct Cell: Hashable, Sendable {
    public var text: String
    public var style: Style
    public var isContinuation: Bool

    public init(text: String = " ", style: Style = .plain, isContinuation: Bool = false) {
        self.text = text
        self.style = style
        self.isContinuation = isContinuation
    }

    public static let blank = Cell()
}

public struct Rect: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public func contains(x px: Int, y py: Int) -> Bool {
        px >= x && px < x + width && py >= y && py < y + height
    }

    public func inset(by amount: Int) -> Rect {
        Rect(x: x + amount, y: y + amount, width: max(0, width - 2 * amount), height: max(0, height - 2 * amount))
    }
}

/// An in-memory screen of styled cells. The console draws into it; the terminal backend copies it
/// to the screen; tests compare it as text.
public struct Grid: Hashable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: Style = .plain) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(style: fill), count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        cells[y * width + x]
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// Writes text starting at (x, y), clipped to `clip` (the whole grid by default) and to
    /// `maxWidth` columns. Returns the columns used. A wide character that would straddle the
    /// clip edge is replaced by a space so no half-character is ever drawn.
    @discardableResult
    public mutating func put(
        _ text: String, x: Int, y: Int, style: Style, maxWidth: Int? = nil, clip: Rect? = nil
    ) -> Int {
        let area = clip ?? bounds
        guard y >= max(0, area.y), y < min(height, area.y + area.height) else { return 0 }
        let right = min(width, area.x + area.width, maxWidth.map { x + $0 } ?? Int.max)
        var column = x
        for character in text {
            let columns = TextWidth.of(character)
            if columns == 0 {
                appendCombining(character, beforeColumn: column, y: y, left: max(0, area.x))
                continue
            }
            if column + columns > right {
                if column < right && column >= max(0, area.x) { setCell(x: column, y: y, Cell(text: " ", style: style)) }
                column = right
                break
            }
            if column >= max(0, area.x) {
                setCell(x: column, y: y, Cell(text: String(character), style: style))
                if columns == 2 {
                    setCell(x: column + 1, y: y, Cell(text: "", style: style, isContinuation: true))
                }
            }
            column += columns
        }
        return max(0, column - x)
    }

    /// Fills a rectangle with blanks in one style.
    public mutating func fill(_ rect: Rect, style: Style) {
        let top = max(0, rect.y)
        let bottom = min(height, rect.y + rect.height)
        let left = max(0, rect.x)
        let right = min(width, rect.x + rect.width)
        guard top < bottom, left < right else { return }
        for row in top..<bottom {
            for column in left..<right {
                setCell(x: column, y: row, Cell(text: " ", style: style))
            }
        }
    }

    /// Changes only the style of cells in a rectangle (e.g. to highlight a selected row).
    public mutating func restyle(_ rect: Rect, _ transform: (Style) -> Style) {
        let top = max(0, rect.y)
        let bottom = min(height, rect.y + rect.height)
        let left = max(0, rect.x)
        let right = min(width, rect.x + rect.width)
        guard top < bottom, left < right else { return }
        for row in top..<bottom {
            for column in left..<right {
                cells[row * width + column].style = transform(cells[row * width + column].style)
            }
        }
    }

    /// Draws a single-line box border around `rect`, with an optional title in the top edge.
    public mutating func box(_ rect: Rect, style: Style, title: String? = nil, titleStyle: Style? = nil) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let right = rect.x + rect.width - 1
        let bottom = rect.y + rect.height - 1
        put("┌" + String(repeating: "─", count: rect.width - 2) + "┐", x: rect.x, y: rect.y, style: style)
        put("└" + String(repeating: "─", count: rect.width - 2) + "┘", x: rect.x, y: bottom, style: style)
        if rect.height > 2 {
            for row in (rect.y + 1)..<bottom {
                put("│", x: rect.x, y: row, style: style)
                put("│", x: right, y: row, style: style)
            }
        }
        if let title, rect.width > 6 {
            let label = " " + TextWidth.truncate(title, to: rect.width - 6) + " "
            put(label, x: rect.x + 2, y: rect.y, style: titleStyle ?? style)
        }
    }

    /// The grid as plain text, one string per row, trailing spaces kept so columns line up.
    public var textLines: [String] {
        (0..<height).map { row in
            var line = ""
            for column in 0..<width {
                let cell = cells[row * width + column]
                if !cell.isContinuation { line += cell.text }
            }
            return line
        }
    }

    /// The grid as text with trailing spaces trimmed, for golden files.
    public var text: String {
        textLines.map { line in
            var trimmed = Substring(line)
            while trimmed.last == " " { trimmed = trimmed.dropLast() }
            return String(trimmed)
        }.joined(separator: "\n")
    }

    private mutating func setCell(x: Int, y: Int, _ cell: Cell) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        let index = y * width + x
        // Overwriting half of a wide character blanks the other half.
        if cells[index].isContinuation, x > 0 {
            cells[index - 1] = Cell(text: " ", style: cells[index - 1].style)
        }
        if x + 1 < width, cells[index + 1].isContinuation, !cell.isContinuation {
            cells[index + 1] = Cell(text: " ", style: cells[index + 1].style)
        }
        cells[index] = cell
    }

    private mutating func appendCombining(_ character: Character, beforeColumn column: Int, y: Int, left: Int) {
        var target = column - 1
        while target >= left, target < width, target >= 0, cells[y * width + target].isContinuation { target -= 1 }
        guard target >= left, target >= 0, target < width else { return }
        cells[y * width + target].text.append(character)
    }
}
