import Foundation

/// Where the database lives: `--db`, then `HOOKDASH_DB`, then `$XDG_DATA_HOME/hookdash/`,
/// then `~/.local/share/hookdash/`.
public enum DatabaseLocation {
    public static let fileName = "hookdash.sqlite"

    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return expandTilde(explicit, environment: environment) }
        if let fromEnv = environment["HOOKDASH_DB"], !fromEnv.isEmpty { return expandTilde(fromEnv, environment: environment) }
        let dataHome: String
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            dataHome = xdg
        } else {
            dataHome = (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        }
        return dataHome + "/hookdash/" + fileName
    }

    static func expandTilde(_ path: String, environment: [String: String]) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return (environment["HOME"] ?? NSHomeDirectory()) + path.dropFirst()
    }

    /// A path for display: the home folder shortened to `~`.
    public static func abbreviated(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        guard let home = environment["HOME"], !home.isEmpty, home != "/", path.hasPrefix(home + "/") else { return path }
        return "~" + path.dropFirst(home.count)
    }
}
