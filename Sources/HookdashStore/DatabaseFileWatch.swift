import Glibc

/// Notices when a database's path stops naming the file a process opened — removed (an
/// `rm` to start afresh) or replaced (a restored backup, a move). SQLite keeps reading and
/// writing the open file, which no other process can see any more: a console would show
/// saves that vanish at quit, and `serve` would never see the events emitted to the new file.
public struct DatabaseFileWatch: Sendable {
    public enum Problem: Sendable, Equatable {
        case removed, replaced

        public var word: String {
            switch self {
            case .removed: "removed"
            case .replaced: "replaced"
            }
        }
    }

    public let path: String
    private let device: UInt64
    private let inode: UInt64

    /// Nil when the path names no file (nothing to watch).
    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.path = path
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    /// One `stat`; nil while the path still names the file opened.
    public func problem() -> Problem? {
        var info = stat()
        guard stat(path, &info) == 0 else { return errno == ENOENT || errno == ENOTDIR ? .removed : nil }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode ? nil : .replaced
    }
}
