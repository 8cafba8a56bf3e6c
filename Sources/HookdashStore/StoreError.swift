import GRDB

/// Store failures, each with the message a person sees.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotCreateFolder(path: String, reason: String)
    case cannotOpen(path: String, reason: String)
    case notSQLite(path: String)
    case foreignDatabase(path: String)
    case newerSchema(path: String)
    case notFound(id: String)
    /// A prefix that starts more than one webhook's id (the first two shown; `more` when
    /// there are others).
    case ambiguous(prefix: String, matches: [String], more: Bool = false)
    case stale(id: String)
    /// An import would replace webhooks changed in the database after the file's copy of them
    /// was taken ("id (name)" each).
    case importOverNewer([String])
    case database(reason: String)

    public var description: String {
        switch self {
        case let .cannotCreateFolder(path, reason):
            "cannot create the folder \(path): \(reason)"
        case let .cannotOpen(path, reason):
            "cannot open the database \(path): \(reason)"
        case let .notSQLite(path):
            "\(path) is not a SQLite database (it may be corrupt or another kind of file); hookdash left it untouched. Pick another file with --db or HOOKDASH_DB."
        case let .foreignDatabase(path):
            "\(path) is a SQLite database of another application, not a hookdash database; hookdash left it untouched. Pick another file with --db or HOOKDASH_DB."
        case let .newerSchema(path):
            "\(path) was written by a newer hookdash; upgrade hookdash to use it (the file was left untouched)."
        case let .notFound(id) where id.isEmpty:
            "no webhook id given"
        case let .notFound(id) where id.count < WebhookStore.shortestPrefix:
            "no webhook with id \(id) (a prefix of an id needs at least \(WebhookStore.shortestPrefix) characters)"
        case let .notFound(id):
            "no webhook with id \(id)"
        case let .ambiguous(prefix, matches, more):
            "\(prefix) starts the id of more than one webhook (\(matches.joined(separator: ", "))\(more ? ", …" : "")); give more of the id"
        case let .stale(id):
            "webhook \(id) was changed by someone else meanwhile, so nothing was saved; look at it again and repeat the change"
        case let .importOverNewer(webhooks):
            "\(webhooks.count == 1 ? "webhook" : "\(webhooks.count) webhooks") \(webhooks.prefix(5).joined(separator: ", "))\(webhooks.count > 5 ? ", …" : "") "
                + "changed in the database after the file's updatedAt, and the import would undo that; nothing was imported. "
                + "Export again and redo the change, or add --overwrite to replace them with the file's version"
        case let .database(reason):
            "database error: \(reason)"
        }
    }
}

/// What went wrong underneath SQLite, in words a person can act on: a full disk, a
/// read-only file, a failing or damaged disk. Nil for errors that are not about the file.
public struct DatabaseTrouble: Sendable, Equatable, CustomStringConvertible {
    /// "the disk holding the database is full"
    public let problem: String
    /// "free some space"
    public let remedy: String

    public init?(_ error: any Error) {
        guard let error = error as? DatabaseError else { return nil }
        let detail = error.message.map { " (\($0))" } ?? ""
        switch error.resultCode {
        case .SQLITE_FULL:
            (problem, remedy) = ("the disk holding the database is full", "free some space")
        case .SQLITE_READONLY:
            (problem, remedy) = (
                "the database is read-only\(detail)",
                "make the file, its -wal and -shm files and its folder writable")
        case .SQLITE_IOERR:
            (problem, remedy) = ("the disk failed to read or write the database\(detail)", "check the disk")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            (problem, remedy) = (
                "the database file is damaged\(detail)", "restore it from a copy, or use another file with --db")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            (problem, remedy) = ("another process kept the database locked for 30 s", "wait for it to finish")
        case .SQLITE_CANTOPEN:
            (problem, remedy) = (
                "the database file cannot be opened\(detail)", "check that it and its folder exist and are readable")
        default:
            return nil
        }
    }

    public var description: String { "\(problem) — \(remedy)" }

    /// `error` in words: the trouble when there is one, else the error's own description.
    public static func words(for error: any Error) -> String {
        DatabaseTrouble(error)?.description ?? String(describing: error)
    }
}
