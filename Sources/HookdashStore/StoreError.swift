/// Store failures, each with the message a person sees.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotCreateFolder(path: String, reason: String)
    case cannotOpen(path: String, reason: String)
    case notSQLite(path: String)
    case foreignDatabase(path: String)
    case newerSchema(path: String)
    case notFound(id: String)
    case stale(id: String)
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
        case let .notFound(id):
            "no webhook with id \(id)"
        case let .stale(id):
            "webhook \(id) was changed by someone else since you opened it; reload it and make your change again"
        case let .database(reason):
            "database error: \(reason)"
        }
    }

    /// Unknown ids are "missing input" rather than I/O failures for exit codes.
    public var isNotFound: Bool {
        if case .notFound = self { return true }
        return false
    }
}
