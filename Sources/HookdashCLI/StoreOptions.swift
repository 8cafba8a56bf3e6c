import ArgumentParser
import Foundation
import HookdashDomain
import HookdashStore

/// Options every command that touches the database shares.
public struct StoreOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: ArgumentHelp(
        "The database file.",
        discussion: "Default: $HOOKDASH_DB, else $XDG_DATA_HOME/hookdash/hookdash.sqlite (~/.local/share/hookdash/).",
        valueName: "path"))
    public var db: String?

    @Flag(name: .long, help: "Development mode: allow http:// URLs and deliveries to loopback hosts (also HOOKDASH_DEV=1).")
    public var dev = false

    public init() {}

    public func validate() throws {
        // An unset shell variable (`--db "$DB"`) must not quietly mean the default database.
        if db?.isEmpty == true { throw ValidationError("--db needs a file path; it was given an empty one") }
        // Swift reads a byte that is not UTF-8 (in --db, HOOKDASH_DB or XDG_DATA_HOME) as "�",
        // and would open or create a file of another name than the one given.
        if databasePath.contains("\u{FFFD}") {
            throw ValidationError("the database path \(databasePath) holds bytes that are not UTF-8 (shown as �); give a UTF-8 path")
        }
    }

    public var devMode: Bool {
        dev || ["1", "true", "yes", "on"].contains(ProcessInfo.processInfo.environment["HOOKDASH_DEV"]?.lowercased() ?? "")
    }
    public var validation: ValidationOptions { ValidationOptions(devMode: devMode) }
    public var databasePath: String { DatabaseLocation.resolve(explicit: db) }

    public func openStore() throws -> WebhookStore {
        try WebhookStore.open(path: databasePath)
    }

    /// For commands that only read, so that they (and refused commands) never change the file.
    /// A database named by `--db` or `HOOKDASH_DB` that does not exist is a mistyped path, not
    /// a new database: reading it says so instead of creating an empty one.
    public func openStoreForReading() throws -> WebhookStore {
        try requireExistingDatabase()
        return try WebhookStore.openForReading(path: databasePath)
    }

    /// For listings, which a machine with no database yet answers with an empty list; nil then.
    /// A missing `--db` or `HOOKDASH_DB` file is still reported as the typo it usually is.
    public func openStoreForReadingIfPresent() throws -> WebhookStore? {
        if !isExplicitPath, !FileManager.default.fileExists(atPath: databasePath) { return nil }
        return try openStoreForReading()
    }

    /// For commands that write but need webhooks to do anything (`emit`, `simulate`,
    /// `webhooks test`): on a mistyped path they made an empty database and sent nowhere.
    public func openExistingStore() throws -> WebhookStore {
        try requireExistingDatabase()
        return try WebhookStore.open(path: databasePath)
    }

    private func requireExistingDatabase() throws {
        let path = databasePath
        if !FileManager.default.fileExists(atPath: path) {
            // The default file is missing on a machine where nothing was created yet: no typo.
            throw MissingInput(message: isExplicitPath
                ? "no database at \(path) (a command that writes, such as webhooks create, or the console creates one)"
                : "no webhooks yet: there is no database at \(path) (webhooks create, or the console, creates it)")
        }
        // An empty file would be made a database (and 0600) by a command that only reads.
        if isExplicitPath, (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) == 0 {
            throw MissingInput(message: "\(path) is an empty file, not a database yet (a command that writes, such as webhooks create, makes it one)")
        }
    }

    private var isExplicitPath: Bool {
        db != nil || !(ProcessInfo.processInfo.environment["HOOKDASH_DB"] ?? "").isEmpty
    }
}

/// `--json` output.
struct JSONOutput {
    static func print(_ value: JSONValue) {
        StandardOutput.write(value.pretty() + "\n")
    }
}
