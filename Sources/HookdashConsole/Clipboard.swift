/// What a copy through the terminal (OSC 52) can carry. Terminals drop a longer sequence
/// without a word, so "Copied" would be a lie: hterm (ChromeOS, Secure Shell) takes at most
/// 100,000 bytes, the smallest limit among common terminals and the one the usual osc52
/// scripts keep to (tmux 3.3 took 400 KB and lost 1.3 MB). The sequence is 8 bytes and
/// the text's base64, which is 4 bytes for every 3.
public enum Clipboard {
    public static let maxSequenceBytes = 100_000
    public static let maxTextBytes = (maxSequenceBytes - 8) / 4 * 3

    public static func fits(_ text: String) -> Bool { text.utf8.count <= maxTextBytes }

    /// "992 KB", "1.3 MB": rounded up, so a text just over the limit never reads as within it.
    static func size(_ bytes: Int) -> String {
        bytes < 1_000_000
            ? "\((bytes + 999) / 1000) KB"
            : "\((bytes + 99_999) / 100_000 / 10).\((bytes + 99_999) / 100_000 % 10) MB"
    }

    /// The limit, rounded down.
    static var limitText: String { "\(maxTextBytes / 1000) KB" }
}

extension ConsoleState {
    /// Copies `text`, or, when it is too large for the terminal to carry, says so and where
    /// to get it whole: `name` starts the sentence ("The payload"), `elsewhere` ends it.
    mutating func copy(_ text: String, confirmation: String, name: String, elsewhere: String) -> [ConsoleEffect] {
        if Clipboard.fits(text) { return [.copy(text, confirmation: confirmation)] }
        toast(.failure, "\(name) is \(Clipboard.size(text.utf8.count)), too large to copy through the terminal "
            + "(\(Clipboard.limitText) at most); \(elsewhere)")
        return []
    }
}
