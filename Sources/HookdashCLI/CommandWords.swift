import ArgumentParser

/// Mistyped command words, caught before ArgumentParser, whose messages for them mislead:
/// an unknown command reads as "2 unexpected arguments" with the console's usage (the
/// console is the default command), and `--db` before a bare `simulate` as "Unknown option".
enum CommandWords {
    /// What is wrong with the command words of `arguments` (already hoisted), or nil.
    static func problem(in arguments: [String]) -> String? {
        // `--theme` before another command read as "2 unexpected arguments" under the console's usage.
        if let theme = arguments.firstIndex(where: { $0 == "--theme" || $0.hasPrefix("--theme=") }),
           let command = arguments[(theme + 1)...].first(where: { word in
               Hookdash.configuration.subcommands.contains { $0.configuration.commandName == word } && word != "console"
           }) {
            return "--theme belongs to the console, not to hookdash \(command) (the console: hookdash --theme NAME)"
        }
        guard var first = arguments.first, !first.hasPrefix("-") else { return nil }
        let commands: [CommandConfiguration] = Hookdash.configuration.subcommands.map { $0.configuration }
        let names = commands.map { $0.commandName ?? "" } + ["help"]
        // `help WORD` printed the top-level help for a WORD that names no command.
        if first == "help", let asked = arguments.dropFirst().first, !asked.hasPrefix("-"), !names.contains(asked) {
            first = asked
        }
        guard let command = commands.first(where: { $0.commandName == first }) else {
            guard !names.contains(first) else { return nil }
            return "unknown command '\(first)'\(suggestion(for: first, among: names, in: commands)); hookdash --help lists them"
        }
        let subcommands: [String] = command.subcommands.map { $0.configuration.commandName ?? "" }
        guard !subcommands.isEmpty else { return nil }
        let choices = subcommands.joined(separator: ", ")
        let next = arguments.dropFirst().first
        if let next, !next.hasPrefix("-") {
            guard !subcommands.contains(next), next != "help" else { return nil }
            // No default subcommand here (`webhooks` and `deliveries` list) takes a word of its
            // own, so a word that names no subcommand is a mistyped one ("rm", "ls"), not an
            // argument: ArgumentParser's answer showed the usage of list, which was not asked for.
            let hint = suggestion(for: next, among: subcommands)
            return "hookdash \(first) has no command '\(next)'\(hint); it takes one of: \(choices)"
        }
        guard command.defaultSubcommand == nil, let next,
              !["-h", "--help", "--version"].contains(next) else { return nil }
        return "hookdash \(first) needs one of: \(choices) (for example hookdash \(first) \(subcommands[0]))"
    }

    /// " (did you mean 'webhooks'?)" for a word one or two edits away from a name, or that
    /// shares all but its last letter with one ("delivery"), else "". A word that is another
    /// command's subcommand ("list") names that first: it is what the user meant, not "listen".
    static func suggestion(for word: String, among names: [String], in commands: [CommandConfiguration] = []) -> String {
        let word = word.lowercased()
        let owners = commands.filter { command in command.subcommands.contains { $0.configuration.commandName == word } }
        if !owners.isEmpty {
            return " (did you mean " + owners.map { "'\($0.commandName ?? "") \(word)'" }.joined(separator: " or ") + "?)"
        }
        let close = names.filter { name in
            distance(word, name) <= min(2, max(1, name.count / 3))
                || (word.count >= 5 && name.hasPrefix(word.dropLast()))
        }
        guard let best = close.min(by: { distance(word, $0) < distance(word, $1) }) else { return "" }
        return " (did you mean '\(best)'?)"
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// Text given on the command line: Swift turns each byte that is not UTF-8 into U+FFFD, so a
/// name typed in a Latin-1 terminal was stored as "bad�" without a word.
enum ArgumentText {
    /// Refuses the first of `values` (each with its option's name) holding such a byte.
    static func check(_ values: [(String?, option: String)]) throws {
        for (value, option) in values {
            guard let value, value.contains("\u{FFFD}"), hasInvalidUTF8 else { continue }
            throw InvalidInput(message: "\(option) is not valid UTF-8 text: a byte in it is no character (is the terminal or script set to UTF-8?)")
        }
    }

    private static var hasInvalidUTF8: Bool {
        (0..<Int(CommandLine.argc)).contains { index in
            CommandLine.unsafeArgv[index].map { String(validatingCString: $0) == nil } ?? false
        }
    }
}
