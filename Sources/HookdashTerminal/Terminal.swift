import CNcursesw
import Glibc
import HookdashUI

/// The console's screen: copies grids to the terminal through ncurses and reads input.
///
/// ncurses is not thread-safe, so a `Terminal` must be created, used and closed on one thread.
/// It is deliberately not `Sendable`.
public final class Terminal {
    public struct Options {
        /// Where output goes; nil means standard output. Benchmarks pass a file to count bytes.
        public var outputPath: String?
        /// The terminal type; nil means `$TERM`.
        public var terminalType: String?
        /// Mouse clicks and wheel.
        public var mouse: Bool

        public init(outputPath: String? = nil, terminalType: String? = nil, mouse: Bool = true) {
            self.outputPath = outputPath
            self.terminalType = terminalType
            self.mouse = mouse
        }
    }

    public enum OpenError: Error, CustomStringConvertible {
        /// `stream` is "standard input" or "standard output".
        case notATerminal(stream: String)
        /// The terminal cannot move its cursor (TERM=dumb, a printing terminal): no full screen.
        case cannotPositionCursor(type: String)
        /// Neither the terminal's own terminfo entry nor any fallback exists on this machine.
        case noTerminalDescription(type: String)
        case cannotOpenOutput(path: String)

        public var description: String {
            switch self {
            case .notATerminal(let stream):
                "the console needs a terminal, and \(stream) is not one; scripts use the commands instead (hookdash --help lists them)"
            case .cannotPositionCursor(let type):
                "TERM=\(type) cannot move the cursor, and the console draws a full screen; run it in a terminal emulator (TERM=xterm-256color or the like)"
            case .noTerminalDescription(let type):
                "no terminfo entry for TERM=\(type), nor for \(Terminal.fallbackTypes.joined(separator: " or ")); install ncurses-base (apt install ncurses-base ncurses-term)"
            case .cannotOpenOutput(let path):
                "cannot write the screen to \(path)"
            }
        }

        /// Starting the console where it cannot run is a usage mistake, not a broken machine.
        public var isUsage: Bool {
            switch self {
            case .notATerminal, .cannotPositionCursor: true
            case .noTerminalDescription, .cannotOpenOutput: false
            }
        }
    }

    /// The terminal type the console will draw with, when it is not `$TERM` itself.
    public struct Substitution: Sendable, Equatable {
        /// Empty when TERM is unset.
        public let requested: String
        public let used: String
    }

    /// Fails unless the console can run here, and picks the terminal type to draw with; run
    /// before anything else starts. Reading a file or a pipe as keys would spin on its end
    /// (or quit at once), and drawing into a file or pipe helps nobody.
    public static func resolveInteractive(requested: String? = getenv("TERM").map { String(cString: $0) }) throws
        -> (type: String, substitution: Substitution?)
    {
        if isatty(STDIN_FILENO) != 1 { throw OpenError.notATerminal(stream: "standard input") }
        if isatty(STDOUT_FILENO) != 1 { throw OpenError.notATerminal(stream: "standard output") }
        for type in candidateTypes(for: requested) {
            switch Int(hd_probe_terminal(type, STDOUT_FILENO)) {
            case HD_TERMINAL_USABLE:
                return (type, type == requested ? nil : Substitution(requested: requested ?? "", used: type))
            case HD_TERMINAL_NO_CURSOR_ADDRESSING:
                throw OpenError.cannotPositionCursor(type: type)
            default:
                continue
            }
        }
        throw OpenError.noTerminalDescription(type: requested ?? "")
    }

    /// Tried, in order, when this machine has no terminfo entry for `$TERM`: a terminal
    /// reached over SSH (kitty, alacritty, ghostty, wezterm) often names a type only its own
    /// machine describes, and every one of them speaks xterm's sequences.
    public static let fallbackTypes = ["xterm-256color", "xterm"]

    /// The terminal types to try for `requested` (nil or empty when TERM is unset).
    static func candidateTypes(for requested: String?) -> [String] {
        guard let requested, !requested.isEmpty else { return fallbackTypes }
        return [requested] + fallbackTypes.filter { $0 != requested }
    }

    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    private let outputFile: UnsafeMutablePointer<FILE>?
    private var pairs = ColourPairs()
    private var drawn: Grid?
    private var isOpen = true
    private var decoder = InputDecoder()
    /// When input last came, to tell a paste that stalled.
    private var lastInput = ContinuousClock.now
    /// The number of colours the terminal shows (0 when it has none).
    public let colorCount: Int
    private let hasDefaultColours: Bool
    private let outputDescriptor: Int32

    public init(options: Options = Options()) throws {
        // Without the locale, ncursesw treats UTF-8 bytes as Latin-1.
        setlocale(LC_ALL, "")
        // The runtime may hand this thread SIGWINCH blocked; ncurses learns of resizes from it.
        var resize = sigset_t()
        sigemptyset(&resize)
        sigaddset(&resize, SIGWINCH)
        pthread_sigmask(SIG_UNBLOCK, &resize, nil)
        var output = hd_stdout()
        if let path = options.outputPath {
            guard let file = fopen(path, "w") else { throw OpenError.cannotOpenOutput(path: path) }
            output = file
            outputFile = file
        } else {
            outputFile = nil
        }
        outputDescriptor = fileno(output)
        let type = options.terminalType ?? getenv("TERM").map { String(cString: $0) } ?? "dumb"
        guard let screen = newterm(type, output, hd_stdin()) else {
            if let outputFile { fclose(outputFile) }
            throw OpenError.noTerminalDescription(type: type)
        }
        set_term(screen)
        self.screen = screen
        window = hd_stdscr()
        raw()
        noecho()
        nonl()
        keypad(window, true)
        // A bare Esc should back out at once, not after ncurses' default second.
        set_escdelay(25)
        wtimeout(window, 50)
        if has_colors() {
            start_color()
            hasDefaultColours = use_default_colors() == OK
            colorCount = Int(hd_colors())
        } else {
            hasDefaultColours = false
            colorCount = 0
        }
        if options.mouse {
            mousemask(hd_all_mouse_events(), nil)
            // Report presses at once instead of waiting to tell clicks from double clicks.
            mouseinterval(0)
        }
        curs_set(0)
        write(Self.bracketedPasteOn)
    }

    /// Bracketed paste (xterm's mode 2004): the terminal marks pasted text, so a paste is
    /// text for a field, not keystrokes — a line break in it was Enter, and on the
    /// dashboard its letters ran as commands (q quit, d asked to delete). Turned off
    /// whenever the terminal is given back (quit, Ctrl-Z), or the shell would get the
    /// marks around its own pastes.
    static let bracketedPasteOn = "\u{1B}[?2004h"
    static let bracketedPasteOff = "\u{1B}[?2004l"
    /// A paste whose end marker has not come after this long is taken as ended.
    static let pasteStall: Duration = .seconds(2)

    deinit {
        close()
    }

    /// Gives the terminal back as it was. Safe to call twice.
    public func close() {
        guard isOpen else { return }
        isOpen = false
        if hd_has_alternate_screen() == 0 {
            // No alternate screen to return from: blank the frame instead of leaving it
            // under the shell's next lines.
            werase(window)
            wrefresh(window)
        }
        curs_set(1)
        endwin()
        write(Self.bracketedPasteOff)
        delscreen(screen)
        if let outputFile { fclose(outputFile) }
    }

    /// Whether the terminal has gone away (an SSH connection dropped, a tmux session killed).
    /// SIGHUP does not always reach the console then — a wrapper shell may take it — and
    /// reading a hung-up terminal returns at once, so the loop asks.
    public var isHungUp: Bool {
        var input = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&input, 1, 0) > 0 else { return false }
        return input.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0
    }

    public var width: Int { Int(hd_getmaxx(window)) }
    public var height: Int { Int(hd_getmaxy(window)) }

    /// Copies the grid to the screen, touching only cells that changed since the last draw;
    /// ncurses then sends only the differences. `cursor` shows the text cursor there.
    public func draw(_ grid: Grid, cursor: (x: Int, y: Int)? = nil) {
        let previous = (drawn?.width == grid.width && drawn?.height == grid.height) ? drawn : nil
        if previous == nil { werase(window) }
        for row in 0..<grid.height {
            for column in 0..<grid.width {
                let cell = grid[column, row]
                if cell.isContinuation { continue }
                if let previous, previous[column, row] == cell { continue }
                put(cell, x: column, y: row)
            }
        }
        drawn = grid
        if let cursor, cursor.x < grid.width, cursor.y < grid.height {
            curs_set(1)
            wmove(window, Int32(cursor.y), Int32(cursor.x))
        } else {
            curs_set(0)
        }
        wrefresh(window)
    }

    /// Asks the terminal to put text on the clipboard (OSC 52; `base64` is the text's UTF-8
    /// in base64), which reaches the operator's own machine over SSH; a terminal that does
    /// not allow it ignores the request (tmux needs `set -g set-clipboard on`). Written after
    /// ncurses' last refresh, so the two never interleave.
    public func copyToClipboard(base64: String) {
        write("\u{1B}]52;c;\(base64)\u{07}")
    }

    /// Writes past ncurses, which has flushed what it drew (it writes only in a refresh).
    private func write(_ text: String) {
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { Glibc.write(outputDescriptor, $0.baseAddress, $0.count) }
            if result < 0, errno == EINTR { continue }
            guard result > 0 else { return }
            written += result
        }
    }

    /// Ctrl-Z: restores the terminal and stops the process group, as the terminal itself
    /// would have outside raw mode (so a wrapper script stops too and the shell gets its
    /// prompt back); returns when the shell continues it (`fg`), with the screen to be drawn
    /// afresh. Call only when `canSuspend`.
    public func suspend(saying notice: String) {
        endwin()
        write(Self.bracketedPasteOff)
        let bytes = Array(notice.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
        // The stop is what Ctrl-Z asked for, whatever this process inherited: a parent that
        // ignored or blocked SIGTSTP left it pending, and the console frozen without a screen.
        signal(SIGTSTP, SIG_DFL)
        var stop = sigset_t()
        sigemptyset(&stop)
        sigaddset(&stop, SIGTSTP)
        pthread_sigmask(SIG_UNBLOCK, &stop, nil)
        kill(0, SIGTSTP)
        write(Self.bracketedPasteOn)
        invalidate()
        wrefresh(window)
    }

    /// Whether a shell could continue this process after a stop: some member of its process
    /// group (it, or an ancestor such as a wrapper script) has a parent in another group of
    /// the same session. A console started directly by tmux or ssh has none, and the kernel
    /// would ignore the stop anyway.
    public static var canSuspend: Bool {
        let group = getpgrp(), session = getsid(0)
        var current = getpid()
        while current > 1, let member = ProcessStat(current), member.group == group {
            if let parent = ProcessStat(member.parent), parent.session == session, parent.group != group { return true }
            current = member.parent
        }
        return false
    }

    /// Forgets what is on screen so the next draw repaints everything (after a resize).
    public func invalidate() {
        drawn = nil
        clearok(window, true)
    }

    private func put(_ cell: Cell, x: Int, y: Int) {
        let glyph = cell.text.first.map(TextWidth.drawable) ?? []
        // A flag's two letters are two narrow characters side by side.
        if glyph.count == 2, glyph.allSatisfy(\.isASCII), let first = cell.text.first?.unicodeScalars.first,
           TextWidth.isRegionalIndicator(first) {
            put(Cell(text: String(Character(glyph[0])), style: cell.style), x: x, y: y)
            put(Cell(text: String(Character(glyph[1])), style: cell.style), x: x + 1, y: y)
            return
        }
        var characters: [wchar_t] = glyph.map { wchar_t(bitPattern: $0.value) }
        if characters.isEmpty { characters = [32] }
        characters.append(0)
        var attributes = hd_a_normal()
        let style = cell.style
        if style.attributes.contains(.bold) { attributes |= hd_a_bold() }
        if style.attributes.contains(.reverse) { attributes |= hd_a_reverse() }
        if style.attributes.contains(.underline) { attributes |= hd_a_underline() }
        if style.attributes.contains(.dim) { attributes |= hd_a_dim() }
        let pair = colourPair(for: style)
        var complex = cchar_t()
        setcchar(&complex, characters, attributes, pair, nil)
        mvwadd_wch(window, Int32(y), Int32(x), &complex)
    }

    private func colourPair(for style: Style) -> Int16 {
        guard colorCount > 0 else { return 0 }
        var foreground = ColorResolution.index(of: style.foreground, colorCount: colorCount) ?? -1
        var background = ColorResolution.index(of: style.background, colorCount: colorCount) ?? -1
        if !hasDefaultColours {
            if foreground < 0 { foreground = 7 }
            if background < 0 { background = 0 }
        }
        return pairs.pair(foreground: foreground, background: background, limit: Int(hd_color_pairs()))
    }

    /// Waits up to `timeoutMilliseconds` for input and returns what arrived. Characters that
    /// came together stay keys (fast typing, a held j); only a paste the terminal marked is one.
    public func nextEvents(timeoutMilliseconds: Int32) -> [InputEvent] {
        wtimeout(window, timeoutMilliseconds)
        guard let first = readOne() else { return decoder.idle() + endStalledPaste() }
        var events = decoder.feed(first)
        // Drain whatever else is already waiting (a paste, fast typing, a burst of wheel events).
        wtimeout(window, 0)
        for _ in 0..<4096 {
            guard let next = readOne() else {
                events += decoder.idle()
                break
            }
            events += decoder.feed(next)
        }
        lastInput = .now
        return events
    }

    private func endStalledPaste() -> [InputEvent] {
        guard decoder.isPasting, lastInput.duration(to: .now) > Self.pasteStall else { return [] }
        return decoder.endStalledPaste()
    }

    /// One read; nil when nothing is waiting. A key code ncurses cannot name (nor the mouse
    /// report it could not read) is read as nothing, and the next one tried.
    private func readOne() -> RawInput? {
        while true {
            var value: wint_t = 0
            let status = wget_wch(window, &value)
            if status == ERR { return nil }
            if status != hd_key_code_yes() { return .code(UInt32(value)) }
            if let event = special(Int32(bitPattern: value)) { return .decoded(event) }
        }
    }

    private func special(_ code: Int32) -> InputEvent? {
        if code == hd_key_resize() {
            invalidate()
            return .resize(width: width, height: height)
        }
        if code == hd_key_mouse() {
            var event = MEVENT()
            guard getmouse(&event) == OK else { return nil }
            let state = event.bstate
            let button: MouseButton
            if state & hd_button4_pressed() != 0 { button = .wheelUp }
            else if state & hd_button5_pressed() != 0 { button = .wheelDown }
            else if state & (hd_button1_pressed() | hd_button1_clicked()) != 0 { button = .left }
            else if state & hd_button3_pressed() != 0 { button = .right }
            else if state & hd_button2_pressed() != 0 { button = .middle }
            else { return nil }
            return .mouse(MouseEvent(button: button, x: Int(event.x), y: Int(event.y)))
        }
        let key: Key? = switch code {
        case KEY_UP: .up
        case KEY_DOWN: .down
        case KEY_LEFT: .left
        case KEY_RIGHT: .right
        case KEY_HOME: .home
        case KEY_END: .end
        case KEY_PPAGE: .pageUp
        case KEY_NPAGE: .pageDown
        case KEY_DC: .delete
        case KEY_BACKSPACE: .backspace
        case KEY_BTAB: .backTab
        case KEY_ENTER: .enter
        default:
            (code > KEY_F0 && code <= KEY_F0 + 24) ? .function(Int(code - KEY_F0)) : Self.extendedKey(code)
        }
        return key.map { .key($0) }
    }

    /// Keys a terminfo entry defines beyond the standard set get codes of their own, known by
    /// name: TERM=linux reads ESC[Z, what tmux sends for Shift-Tab, as `kcbt2`, and Shift-Tab
    /// did nothing there.
    private static func extendedKey(_ code: Int32) -> Key? {
        guard let pointer = keyname(code) else { return nil }
        let name = String(cString: pointer)
        if name.hasPrefix("kcbt") { return .backTab }
        if name.hasPrefix("kHOM") { return .home }
        if name.hasPrefix("kEND") { return .end }
        return nil
    }
}

/// Colour pairs allocated on first use, so a theme can use any combination.
struct ColourPairs {
    private var numbers: [Int: Int16] = [:]
    private var next: Int16 = 1

    mutating func pair(foreground: Int, background: Int, limit: Int) -> Int16 {
        if foreground < 0 && background < 0 { return 0 }
        let key = (foreground + 1) << 16 | (background + 1)
        if let existing = numbers[key] { return existing }
        guard Int(next) < min(limit, Int(Int16.max)) else { return 0 }
        let number = next
        next += 1
        init_pair(number, Int16(foreground), Int16(background))
        numbers[key] = number
        return number
    }
}

/// The parent, process group and session of a process, from /proc/PID/stat.
struct ProcessStat {
    let parent: pid_t
    let group: pid_t
    let session: pid_t

    init?(_ pid: pid_t) {
        // "pid (command) state ppid pgrp session …"; the command may hold spaces and parentheses.
        guard let file = fopen("/proc/\(pid)/stat", "r") else { return nil }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = fread(&buffer, 1, buffer.count, file)
        let text = String(decoding: buffer.prefix(count), as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 3, let parent = pid_t(fields[1]), let group = pid_t(fields[2]), let session = pid_t(fields[3])
        else { return nil }
        self.parent = parent
        self.group = group
        self.session = session
    }
}
