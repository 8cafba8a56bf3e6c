/// Maps theme colours onto the palette a terminal actually has (256, 8 or none).
public enum ColorResolution {
    /// The xterm 256-colour palette as RGB: 16 system colours, a 6×6×6 cube, 24 greys.
    public static let xterm256: [(UInt8, UInt8, UInt8)] = {
        var palette: [(UInt8, UInt8, UInt8)] = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
            (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
            (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
            (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
        ]
        let levels: [UInt8] = [0, 95, 135, 175, 215, 255]
        for red in levels { for green in levels { for blue in levels { palette.append((red, green, blue)) } } }
        for step in 0..<24 {
            let grey = UInt8(8 + step * 10)
            palette.append((grey, grey, grey))
        }
        return palette
    }()

    /// The index of the colour to use, or nil for the terminal default.
    /// With fewer than 256 colours everything folds onto the classic eight.
    public static func index(of color: Color, colorCount: Int) -> Int? {
        switch color {
        case .terminalDefault:
            return nil
        case .indexed(let value):
            if colorCount >= 256 || Int(value) < colorCount { return Int(value) }
            return nearest(to: xterm256[Int(value)], among: 8)
        case .rgb(let red, let green, let blue):
            return nearest(to: (red, green, blue), among: colorCount >= 256 ? 256 : 8)
        }
    }

    /// A mid grey (not black or white), which the eight classic colours cannot show.
    public static func isGrey(_ color: Color) -> Bool {
        let rgb: (UInt8, UInt8, UInt8)
        switch color {
        case .terminalDefault: return false
        case .indexed(let value): rgb = xterm256[Int(value)]
        case .rgb(let red, let green, let blue): rgb = (red, green, blue)
        }
        return rgb.0 == rgb.1 && rgb.1 == rgb.2 && (40...215).contains(rgb.0)
    }

    /// Nearest palette entry by squared RGB distance. Among 8 the bright half is excluded,
    /// since an 8-colour terminal has only the first eight.
    public static func nearest(to target: (UInt8, UInt8, UInt8), among count: Int) -> Int {
        var best = 0
        var bestDistance = Int.max
        for index in 0..<min(count, xterm256.count) {
            let candidate = xterm256[index]
            let dr = Int(candidate.0) - Int(target.0)
            let dg = Int(candidate.1) - Int(target.1)
            let db = Int(candidate.2) - Int(target.2)
            let distance = dr * dr + dg * dg + db * db
            if distance < bestDistance {
                bestDistance = distance
                best = index
            }
        }
        return best
    }
}
