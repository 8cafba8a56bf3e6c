import Foundation
import GRDB
import HookdashDomain

/// Opens (or creates) a hookdash database without ever modifying a file that is not one.
enum DatabaseOpener {
    static func open(path: String) throws -> DatabasePool {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: path) {
            try inspectExisting(path: path)
            // An empty file someone made (`touch`) is about to hold signing secrets.
            if let size = (try? fileManager.attributesOfItem(atPath: path))?[.size] as? Int, size == 0 {
                chmod(path, 0o600)
            }
        } else {
            try createEmptyFile(path: path)
        }
        do {
            let pool = try DatabasePool(path: path, configuration: configuration())
            // GRDB opens WAL pools with synchronous = NORMAL, which survives a crash or SIGKILL
            // of any process but may roll back the last commits after a power cut or an OS
            // crash — an emitted event that was reported queued could vanish. FULL syncs the
            // WAL at every commit; set after opening because GRDB sets NORMAL after
            // prepareDatabase runs. Its cost: fan-out ~1/3 slower (a sync per message),
            // deliveries unchanged (group commits share a sync) — docs/performance.md.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try Migrations.migrator.migrate(pool)
            return pool
        } catch let error as DatabaseError {
            throw StoreError.cannotOpen(path: path, reason: reason(error, path: path))
        }
    }

    /// A pool that never writes (GRDB's read-write pool writes to the file as it opens), for
    /// commands that only read; nil when the file is missing or needs migrating first.
    static func openReadOnly(path: String) throws -> DatabasePool? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        try inspectExisting(path: path)
        var configuration = configuration()
        configuration.readonly = true
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            let upToDate = try pool.read { db in try Migrations.migrator.hasCompletedMigrations(db) }
            return upToDate ? pool : nil
        } catch let error as DatabaseError {
            throw StoreError.cannotOpen(path: path, reason: reason(error, path: path))
        }
    }

    /// `hookdash_endpoint(url)`: the URL's `EndpointKey`, so a claim can skip a saturated
    /// endpoint's deliveries in SQL, however many webhooks point at it.
    static let endpointFunction = DatabaseFunction("hookdash_endpoint", argumentCount: 1, pure: true) { values in
        String.fromDatabaseValue(values[0]).map(EndpointKey.of)
    }

    static func configuration() -> Configuration {
        var configuration = Configuration()
        // Several processes share one file (consoles over SSH, `serve`): wait for a lock
        // instead of ever showing "database is locked" to a person.
        configuration.busyMode = .timeout(30)
        configuration.label = "hookdash"
        configuration.prepareDatabase { db in db.add(function: endpointFunction) }
        return configuration
    }

    private static func createEmptyFile(path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            try makeFolders(folder)
        }
        // Created 0600 before SQLite sees it; SQLite gives its -wal and -shm files the same mode.
        let descriptor = Foundation.open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        fchmod(descriptor, 0o600)
        close(descriptor)
    }

    /// Refuses a file that is not SQLite, belongs to another application, or was written by a
    /// newer hookdash — reading only, so the refused file stays byte-for-byte the same.
    private static func inspectExisting(path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw StoreError.cannotOpen(path: path, reason: "it is a folder")
        }
        // /dev/null or a pipe reads as empty, which would pass for a new database and then
        // fail as "disk I/O error".
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            throw StoreError.cannotOpen(path: path, reason: "it is not a regular file (a device, a pipe or a socket)")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StoreError.cannotOpen(path: path, reason: "permission denied")
        }
        let header = (try? handle.read(upToCount: 100)) ?? Data()
        try? handle.close()
        if header.isEmpty { return }  // An empty file is a new database.
        guard header.count == 100, header.prefix(16) == Data("SQLite format 3\0".utf8) else {
            throw StoreError.notSQLite(path: path)
        }

        // Other processes may be writing (or checkpointing) this very moment: wait as every
        // hookdash connection does, instead of failing the open with "database is locked".
        var configuration = configuration()
        configuration.readonly = true
        // Reading a WAL-mode file makes SQLite create its -wal and -shm files: a refused file
        // is left as found, without side files it did not have. Only an empty log goes (one
        // with frames would be another program's, opened meanwhile), and the index with it.
        let (wal, shm) = (path + "-wal", path + "-shm")
        let hadWAL = FileManager.default.fileExists(atPath: wal), hadSHM = FileManager.default.fileExists(atPath: shm)
        func removeSideFiles() {
            guard !hadWAL, let size = try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int, size == 0 else { return }
            try? FileManager.default.removeItem(atPath: wal)
            if !hadSHM { try? FileManager.default.removeItem(atPath: shm) }
        }
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            try queue.read { db in
                // Read through SQLite, not the header bytes: under WAL the newest header may
                // still be in the -wal file.
                let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let tableCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? 0
                if applicationID != Migrations.applicationID {
                    if tableCount > 0 || applicationID != 0 { throw StoreError.foreignDatabase(path: path) }
                    return
                }
                if try db.tableExists("grdb_migrations") {
                    let applied = try Set(String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
                    if !applied.isSubset(of: Migrations.knownIdentifiers) { throw StoreError.newerSchema(path: path) }
                }
            }
        } catch let error as StoreError {
            removeSideFiles()
            throw error
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
                removeSideFiles()
                throw StoreError.notSQLite(path: path)
            }
            throw StoreError.cannotOpen(path: path, reason: reason(error, path: path))
        }
    }

    /// SQLite says "disk I/O error" when it cannot create its -shm file on a full disk.
    private static func reason(_ error: DatabaseError, path: String) -> String {
        if [.SQLITE_IOERR, .SQLITE_FULL, .SQLITE_CANTOPEN].contains(error.resultCode) {
            let folder = (path as NSString).deletingLastPathComponent
            var info = statvfs()
            if statvfs(folder.isEmpty ? "." : folder, &info) == 0, UInt64(info.f_bavail) * UInt64(info.f_frsize) < 64 * 1024 {
                return "the disk holding it is full — free some space"
            }
        }
        // Opening waits out a lock as any write does; past 30 s, say so in the same words.
        if [.SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode) {
            return "another process kept it locked for 30 s — wait for it to finish, then run the command again"
        }
        return error.message ?? error.description
    }

    /// `mkdir -p` with mode 0700 (the database holds signing secrets), failing in the system's
    /// own words ("No such file or directory", "Permission denied").
    private static func makeFolders(_ folder: String) throws {
        var built = folder.hasPrefix("/") ? "" : "."
        for component in folder.split(separator: "/") {
            built += "/" + component
            if mkdir(built, 0o700) != 0, errno != EEXIST {
                throw StoreError.cannotCreateFolder(path: folder, reason: String(cString: strerror(errno)))
            }
        }
    }
}
