/// A key as the console understands it, independent of how the terminal encoded it.
public indirect enum Key: Hashable, Sendable {
    case character(Character)
    /// Ctrl plus a letter, given as the lowercase letter (Ctrl-C is `.control("c")`).
    case control(Character)
    case up, down, left, right
    case tab, backTab
    case enter, escape
    case backspace, delete
    case home, end
    case pageUp, pageDown
    case function(Int)
    /// Alt (Meta) held with a key: Alt-b is `.alt(.character("b"))`, Alt-Backspace
    /// `.alt(.backspace)`. Terminals send it as Esc and then the key.
    case alt(Key)
}

public enum MouseButton: Hashable, Sendable {
    case left, right, middle
    case wheelUp, wheelDown
}

public struct MouseEvent: Hashable, Sendable {
    public var button: MouseButton
    public var x: Int
    public var y: Int

    public init(button: MouseButton, x: Int, y: Int) {
        self.button = button
        self.x = x
        self.y = y
    }
}

/// Everything the terminal can tell the console.
public enum InputEvent: Hashable, Sendable {
    case key(Key)
    case mouse(MouseEvent)
    case resize(width: Int, height: Int)
    /// Text the terminal marked as pasted (bracketed paste, mode 2004), whole: line breaks in
    /// it are text, not Enter, and its letters are not commands.
    case paste(String)
}

/// One read from the terminal, before `InputDecoder` makes events of it: a character code as
/// it came, or what the terminal library already decoded (a key its terminfo entry lists,
/// the mouse, a resize).
public enum RawInput: Hashable, Sendable {
    case code(UInt32)
    case decoded(InputEvent)
}

/// Makes input events of reads, decoding the escape sequences the terminal library leaves
/// alone: those the terminfo entry does not list (tmux sends Home as ESC[1~ whatever TERM
/// says, and xterm-256color's entry expects ESC OH) and Alt-keys. The library hands each of
/// them over as a bare Esc and then the rest as characters; read so, a form took Home or
/// Alt-b for Esc and asked "Discard changes?", and the rest was typed. A sequence it does
/// not know is dropped whole, never read as Esc.
///
/// An Esc is the Esc key only once nothing follows it: call `idle()` when no more input is
/// waiting (ncurses has already waited ESCDELAY for the rest of a sequence).
///
/// Between ESC[200~ and ESC[201~ (bracketed paste) everything is text, given as one `.paste`.
public struct InputDecoder: Sendable {
    /// After an Esc: what followed it so far; nil outside a sequence.
    private var sequence: [UInt32]?
    /// Inside a bracketed paste: its text so far; nil outside one.
    private var paste: String.UnicodeScalarView?
    /// The paste's last codes while they may be the start of its end marker.
    private var held: [UInt32] = []
    private var pastedCount = 0

    /// How much of a paste is kept: far more than the longest text field takes (a URL, 2,048
    /// characters), and a pasted file cannot fill the memory.
    public static let pasteLimit = 65_536
    static let pasteStart: [UInt32] = Array("200~".unicodeScalars.map(\.value))
    static let pasteEnd: [UInt32] = Array("\u{1B}[201~".unicodeScalars.map(\.value))

    public init() {}

    /// Within a paste, which waits for its end marker.
    public var isPasting: Bool { paste != nil }

    public mutating func feed(_ raw: RawInput) -> [InputEvent] {
        switch raw {
        case .code(let code): return paste == nil ? feed(code) : feedPaste(code)
        case .decoded(let event) where paste != nil:
            // Keys ncurses made of pasted bytes (DEL as its backspace key) are not text; a
            // resize is still news.
            if case .key = event { return [] }
            return [event]
        case .decoded(let event):
            guard let sequence else { return [event] }
            self.sequence = nil
            // Esc, then a key the library decoded (Alt-Backspace: Esc, then DEL as its
            // backspace key). Cut into (a mouse report, a resize), a sequence is lost.
            if sequence.isEmpty, case .key(let key) = event { return [.key(.alt(key))] }
            return (sequence.isEmpty ? [.key(.escape)] : []) + [event]
        }
    }

    /// No more input is waiting: an Esc on its own was the Esc key. (A paste goes on: its end
    /// may be on the way.)
    public mutating func idle() -> [InputEvent] {
        defer { sequence = nil }
        return sequence == [] ? [.key(.escape)] : []
    }

    /// Ends a paste whose end marker never came (the terminal stopped sending mid-paste) with
    /// the text it brought, so keys are keys again.
    public mutating func endStalledPaste() -> [InputEvent] {
        guard paste != nil else { return [] }
        held.forEach { appendToPaste($0) }
        return finishPaste()
    }

    private mutating func feedPaste(_ code: UInt32) -> [InputEvent] {
        held.append(code)
        if held == Self.pasteEnd { return finishPaste() }
        if Self.pasteEnd.starts(with: held) { return [] }
        // Not the end marker, so text; only its last code (an Esc) may start the marker,
        // whose one Esc is its first.
        let restart = code == 27
        held.dropLast(restart ? 1 : 0).forEach { appendToPaste($0) }
        held = restart ? [27] : []
        return []
    }

    private mutating func appendToPaste(_ code: UInt32) {
        guard pastedCount < Self.pasteLimit, let scalar = Unicode.Scalar(code) else { return }
        paste?.append(scalar)
        pastedCount += 1
    }

    private mutating func finishPaste() -> [InputEvent] {
        defer {
            paste = nil
            held = []
            pastedCount = 0
        }
        return [.paste(String(paste ?? String.UnicodeScalarView()))]
    }

    private mutating func feed(_ code: UInt32) -> [InputEvent] {
        guard var sequence else {
            if code == 27 {
                sequence = []
                return []
            }
            return Self.key(code).map { [.key($0)] } ?? []
        }
        if code == 27 {
            // Esc Esc: the first was the Esc key (pressed twice quickly); a sequence cut short
            // by a new one is dropped.
            self.sequence = []
            return sequence.isEmpty ? [.key(.escape)] : []
        }
        sequence.append(code)
        switch sequence.first {
        case 0x5B where sequence.count == 1: // "[": a CSI starts
            self.sequence = sequence
            return []
        case 0x5B: // CSI: parameter bytes, then a final byte in @…~
            if (0x40...0x7E).contains(code) {
                self.sequence = nil
                if Array(sequence.dropFirst()) == Self.pasteStart {
                    paste = String.UnicodeScalarView()
                    return []
                }
                return Self.csi(sequence.dropFirst()).map { [.key($0)] } ?? []
            }
            if (0x20...0x3F).contains(code), sequence.count <= 32 {
                self.sequence = sequence
                return []
            }
            // A control character cuts the sequence short (dropped; the character is read),
            // and one too long to be a key is dropped whole.
            self.sequence = nil
            return (0x20...0x7E).contains(code) ? [] : feed(code)
        case 0x4F where sequence.count == 2: // "O": SS3, one byte
            self.sequence = nil
            return Self.ss3(code).map { [.key($0)] } ?? []
        case 0x4F:
            self.sequence = sequence
            return []
        default: // Esc and one character: Alt held with it
            self.sequence = nil
            return Self.key(code).map { [.key(.alt($0))] } ?? []
        }
    }

    /// The plain characters a terminal in raw mode sends.
    static func key(_ code: UInt32) -> Key? {
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .control(Character(Unicode.Scalar(code + 96)!))
        case 0..<32: return nil
        default: return Unicode.Scalar(code).map { .character(Character($0)) }
        }
    }

    /// ESC [ … : the keys xterm, tmux, rxvt and the Linux console send for these, with no
    /// modifier held; anything else (Ctrl-arrows, focus reports) is nobody's Esc.
    static func csi(_ body: ArraySlice<UInt32>) -> Key? {
        let text = String(String.UnicodeScalarView(body.compactMap(Unicode.Scalar.init)))
        switch text {
        case "A": return .up
        case "B": return .down
        case "C": return .right
        case "D": return .left
        case "H", "1~", "7~": return .home
        case "F", "4~", "8~": return .end
        case "3~": return .delete
        case "5~": return .pageUp
        case "6~": return .pageDown
        case "Z": return .backTab
        default:
            guard text.hasSuffix("~"), let number = Int(text.dropLast()) else { return nil }
            // F1–F12 as VT220s number them (11–15, 17–21, 23–24).
            let functionKeys = [11, 12, 13, 14, 15, 17, 18, 19, 20, 21, 23, 24]
            return functionKeys.firstIndex(of: number).map { .function($0 + 1) }
        }
    }

    /// ESC O x: cursor and keypad keys in application mode, and F1–F4.
    static func ss3(_ code: UInt32) -> Key? {
        switch Unicode.Scalar(code).map(Character.init) {
        case "A": .up
        case "B": .down
        case "C": .right
        case "D": .left
        case "H": .home
        case "F": .end
        case "M": .enter
        case "P": .function(1)
        case "Q": .function(2)
        case "R": .function(3)
        case "S": .function(4)
        default: nil
        }
    }
}
