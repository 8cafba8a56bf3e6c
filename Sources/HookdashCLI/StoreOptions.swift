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

    public var devMode: Bool { dev || ProcessInfo.processInfo.environment["HOOKDASH_DEV"] == "1" }
    public var validation: ValidationOptions { ValidationOptions(devMode: devMode) }
    public var databasePath: String { DatabaseLocation.resolve(explicit: db) }

    public func openStore() throws -> WebhookStore {
        try WebhookStore.open(path: databasePath)
    }

    /// For commands that only read, so that they (and refused commands) never change the file.
    public func openStoreForReading() throws -> WebhookStore {
        try WebhookStore.openForReading(path: databasePath)
    }
}

/// `--json` output.
struct JSONOutput {
    static func print(_ value: JSONValue) {
        Swift.print(value.pretty())
    }
}
