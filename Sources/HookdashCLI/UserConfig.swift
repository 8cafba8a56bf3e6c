import Foundation

/// The optional settings file, `$XDG_CONFIG_HOME/hookdash/config` (else
/// `~/.config/hookdash/config`): one `key = value` per line; `#` at the start of a line or
/// after a space, outside quotes, starts a comment (so `notify` commands may quote a `#`).
///
///     theme = light
///     ca-file = /etc/hookdash/private-ca.pem
///     disable-after = 12h
///     notify = curl -fsS -H 'content-type: application/json' -d @- https://chat.example.com/hooks/T0
///
/// Flags win over the file. Unknown keys and malformed lines are refused with the line number,
/// so a typo never silently does nothing.
struct UserConfig {
    struct Setting {
        let value: String
        let line: Int
    }

    static let knownKeys = ["theme", "ca-file", "disable-after", "notify"]

    let path: String
    let settings: [String: Setting]

    static func folder(_ environment: [String: String]) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return xdg + "/hookdash" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.config/hookdash"
    }

    /// An empty configuration when the file does not exist.
    static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> UserConfig {
        let path = folder(environment) + "/config"
        guard FileManager.default.fileExists(atPath: path) else {
            // A link to a file that is gone would otherwise drop every setting without a word.
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
                throw MissingInput(message: "config file \(path) links to \(target), which does not exist")
            }
            // Missing is "no settings"; a folder that may not be searched (or a file where a
            // folder should be) hid the settings without a word.
            var info = stat()
            if stat(path, &info) != 0, errno != ENOENT {
                throw IOFailure(message: "cannot read the config file \(path): \(String(cString: strerror(errno)))")
            }
            return UserConfig(path: path, settings: [:])
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            // In the system's words, as for any file: why matters to fix it.
            var isFolder: ObjCBool = false
            var info = stat()
            let why = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
                ? "it is a folder"
                : access(path, R_OK) != 0 ? String(cString: strerror(errno))
                : stat(path, &info) == 0 && info.st_mode & S_IFMT != S_IFREG ? "it is not a regular file" : "read error"
            throw IOFailure(message: "cannot read the config file \(path): \(why)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InvalidInput(message: "config file \(path): not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    static func parse(_ text: String, path: String) throws -> UserConfig {
        var settings: [String: Setting] = [:]
        // "\r\n" is one Character in Swift: a file saved on Windows splits as well.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        for (index, rawLine) in lines.enumerated() {
            let number = index + 1
            let trimmed = withoutComment(rawLine).trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let parts = trimmed.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw InvalidInput(message: "config file \(path) line \(number): expected `key = value`, found “\(trimmed)”")
            }
            guard knownKeys.contains(parts[0]) else {
                throw InvalidInput(message: "config file \(path) line \(number): unknown setting “\(parts[0])” (known: \(knownKeys.joined(separator: ", ")))")
            }
            if let earlier = settings[parts[0]] {
                throw InvalidInput(message: "config file \(path) line \(number): “\(parts[0])” is already set on line \(earlier.line)")
            }
            settings[parts[0]] = Setting(value: parts[1], line: number)
        }
        return UserConfig(path: path, settings: settings)
    }

    /// The line up to a `#` that starts it or follows a space or tab, outside quotes.
    static func withoutComment(_ line: Substring) -> Substring {
        var quote: Character?
        var previous: Character = " "
        for index in line.indices {
            let character = line[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#", previous == " " || previous == "\t" {
                return line[..<index]
            }
            previous = character
        }
        return line
    }

    subscript(key: String) -> Setting? { settings[key] }

    /// A message that points at the line a setting came from.
    func problem(_ key: String, _ message: String) -> InvalidInput {
        InvalidInput(message: "config file \(path) line \(settings[key]?.line ?? 0): \(key): \(message)")
    }
}
