import Foundation
import Testing
@testable import HookdashStore

/// A database path that stops naming the file a process opened is noticed, on real files.
@Suite("Database file watch")
struct DatabaseFileWatchTests {
    @Test func noticesARemovedOrReplacedFile() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("db.sqlite")
        _ = try WebhookStore.open(path: path)
        let watch = try #require(DatabaseFileWatch(path: path))
        #expect(watch.problem() == nil)
        // Written in place (as SQLite does): still the same file.
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data())
        try handle.close()
        #expect(watch.problem() == nil)

        try FileManager.default.copyItem(atPath: path, toPath: path + ".backup")
        try FileManager.default.removeItem(atPath: path)
        #expect(watch.problem() == .removed)
        try FileManager.default.moveItem(atPath: path + ".backup", toPath: path)
        #expect(watch.problem() == .replaced, "a restored copy is another file")
        #expect(DatabaseFileWatch(path: folder.file("missing.sqlite")) == nil)
    }
}
