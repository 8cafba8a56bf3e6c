/// A shell command that sends an attempt's request again, byte for byte, for replaying it
/// by hand against a receiver being debugged.
enum CurlCommand {
    static func replaying(url: String, headers: [(String, String)], body: String) -> String {
        var parts = ["curl", "-sS", "-X", "POST", quote(url)]
        for (name, value) in headers { parts += ["-H", quote("\(name): \(value)")] }
        parts += ["--data-binary", quote(body)]
        return parts.joined(separator: " ")
    }

    /// POSIX shell single quotes: nothing inside is special but the quote itself.
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
