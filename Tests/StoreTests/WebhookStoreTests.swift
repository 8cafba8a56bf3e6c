import Foundation
import GRDB
import HookdashDomain
import Testing
@testable import HookdashStore

/// A fresh temporary folder per test, removed afterwards.
final class TemporaryFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "hookdash-store-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }
}

func validFields(
    name: String = "Billing", url: String = "https://example.com/hooks", secret: String = "",
    events: [String] = ["job.status"], active: Bool = true
) throws -> ValidWebhook {
    try WebhookValidator.validate(WebhookDraft(name: name, url: url, secret: secret, events: events, active: active)).get()
}

func mode(of path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as! NSNumber).intValue & 0o777
}

@Suite("Webhook store")
struct WebhookStoreTests {
    @Test("create, read, list oldest first, update, delete on a real file")
    func roundTrip() throws {
        let folder = try TemporaryFolder()
        let store = try WebhookStore.open(path: folder.file("db.sqlite"))
        let first = try store.create(try validFields(name: "First", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), now: Date(timeIntervalSince1970: 1_700_000_000))
        let second = try store.create(try validFields(name: "Второй 🚀", events: ["order.status", "job.status"]), now: Date(timeIntervalSince1970: 1_700_000_100))
        #expect(WebhookID.isValid(first.id))
        #expect(try store.list().map(\.name) == ["First", "Второй 🚀"])
        #expect(try store.webhook(id: first.id) == first)
        #expect(try store.webhook(id: second.id)?.events == [.jobStatus, .orderStatus])

        let updated = try store.update(id: first.id, expectedVersion: first.version, try validFields(name: "Renamed", active: false), now: Date(timeIntervalSince1970: 1_700_000_200))
        #expect(updated.version == first.version + 1)
        #expect(updated.createdAt == first.createdAt)
        #expect(updated.updatedAt == Date(timeIntervalSince1970: 1_700_000_200))
        #expect(try store.webhook(id: first.id)?.name == "Renamed")
        #expect(try store.webhook(id: first.id)?.active == false)
        #expect(try store.webhook(id: first.id)?.secret == nil)

        #expect(try store.delete(id: first.id).name == "Renamed")
        #expect(try store.webhook(id: first.id) == nil)
        #expect(try store.list().count == 1)
        #expect(throws: StoreError.notFound(id: first.id)) { try store.delete(id: first.id) }
    }

    @Test("reopening the file keeps every field")
    func persistsAcrossOpens() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("db.sqlite")
        let created = try WebhookStore.open(path: path).create(try validFields(secret: "plain-secret", events: ["order.status"], active: false))
        let reopened = try WebhookStore.open(path: path)
        #expect(try reopened.webhook(id: created.id) == created)
    }

    @Test("a stale edit is refused and the other operator's change survives")
    func staleEditRefused() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("db.sqlite")
        let alice = try WebhookStore.open(path: path)
        let bob = try WebhookStore.open(path: path)
        let original = try alice.create(try validFields())
        let aliceView = try #require(try alice.webhook(id: original.id))
        let bobView = try #require(try bob.webhook(id: original.id))
        try bob.update(id: original.id, expectedVersion: bobView.version, try validFields(name: "Bob's name"))
        #expect(throws: StoreError.stale(id: original.id)) {
            try alice.update(id: original.id, expectedVersion: aliceView.version, try validFields(name: "Alice's name"))
        }
        #expect(try alice.webhook(id: original.id)?.name == "Bob's name")
        #expect(StoreError.stale(id: "x").description.contains("changed by someone else meanwhile, so nothing was saved"))
    }

    @Test("two connections write at once without 'database is locked'")
    func concurrentWriters() async throws {
        let folder = try TemporaryFolder()
        let path = folder.file("db.sqlite")
        let stores = try (0..<4).map { _ in try WebhookStore.open(path: path) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, store) in stores.enumerated() {
                group.addTask {
                    for item in 0..<50 { try store.create(try validFields(name: "w\(index)-\(item)")) }
                }
            }
            try await group.waitForAll()
        }
        #expect(try stores[0].count() == 200)
    }

    @Test("folder is created 0700 and the file 0600")
    func fileModes() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("nested/deeper/hookdash.sqlite")
        let store = try WebhookStore.open(path: path)
        try store.create(try validFields())
        #expect(try mode(of: folder.file("nested/deeper")) == 0o700)
        #expect(try mode(of: folder.file("nested")) == 0o700)
        #expect(try mode(of: path) == 0o600)
        if FileManager.default.fileExists(atPath: path + "-wal") { #expect(try mode(of: path + "-wal") == 0o600) }
    }

    @Test("a file that is not SQLite is refused and left byte-for-byte untouched")
    func garbageRefused() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("notes.sqlite")
        let content = Data(("this is my shopping list, not a database\n" + String(repeating: "x", count: 500)).utf8)
        try content.write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.notSQLite(path: path)) { try WebhookStore.open(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == content)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test("a corrupt SQLite file is refused untouched")
    func corruptRefused() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("corrupt.sqlite")
        var bytes = Data("SQLite format 3\0".utf8)
        bytes.append(Data(repeating: 0xAB, count: 4096 - 16))
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.self) { try WebhookStore.open(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
    }

    @Test("another application's SQLite database is refused untouched")
    func foreignRefused() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("other.sqlite")
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE songs (title TEXT); INSERT INTO songs VALUES ('a')")
        }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: StoreError.foreignDatabase(path: path)) { try WebhookStore.open(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("a database from a newer hookdash is refused untouched")
    func newerSchemaRefused() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("future.sqlite")
        try WebhookStore.open(path: path).create(try validFields())
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')") }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: StoreError.newerSchema(path: path)) { try WebhookStore.open(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("an empty existing file becomes a new database")
    func emptyFileInitialised() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("empty.sqlite")
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let store = try WebhookStore.open(path: path)
        #expect(try store.list().isEmpty)
    }

    @Test("import creates new ids, updates known ones, and keeps timestamps")
    func importRoundTrip() throws {
        let folder = try TemporaryFolder()
        let source = try WebhookStore.open(path: folder.file("a.sqlite"))
        try source.create(try validFields(name: "One", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), now: Date(timeIntervalSince1970: 1_650_000_000))
        try source.create(try validFields(name: "Two 界", events: ["order.status"], active: false), now: Date(timeIntervalSince1970: 1_650_000_500))
        let exported = JSONValue.array(try source.list().map(\.json)).serialized()

        let target = try WebhookStore.open(path: folder.file("b.sqlite"))
        let entries = try WebhookImport.parse(exported).get()
        #expect(try target.importWebhooks(entries) == .init(created: 2, updated: 0, unchanged: 0))
        #expect(JSONValue.array(try target.list().map(\.json)).serialized() == exported)
        #expect(try target.importWebhooks(entries) == .init(created: 0, updated: 0, unchanged: 2))
    }

    /// Times are kept to the second: an edit in the same second as an export looked no newer
    /// than the export, and re-importing the export silently undid it.
    @Test("an edit in the export's second still stops an import of that export")
    func sameSecondEditIsNewer() throws {
        let folder = try TemporaryFolder()
        let store = try WebhookStore.open(path: folder.file("a.sqlite"))
        let second = Date(timeIntervalSince1970: 1_650_000_000)
        let created = try store.create(try validFields(name: "One"), now: second)
        let exported = JSONValue.array(try store.list().map(\.json)).serialized()
        let edited = try store.update(
            id: created.id, expectedVersion: created.version, try validFields(name: "Edited"), now: second.addingTimeInterval(0.4))
        #expect(edited.updatedAt == second.addingTimeInterval(1), "a later second than the last change's")
        let entries = try WebhookImport.parse(exported).get()
        #expect(throws: StoreError.self) { try store.importWebhooks(entries, now: second.addingTimeInterval(0.8)) }
        #expect(try store.list().map(\.name) == ["Edited"])
        // Changes keep moving forward however many come in one second.
        let again = try store.update(id: created.id, expectedVersion: edited.version, try validFields(name: "Again"), now: second)
        #expect(again.updatedAt == second.addingTimeInterval(2))
        // … and a change in a later second takes that second.
        let later = try store.update(
            id: created.id, expectedVersion: again.version, try validFields(name: "Later"), now: second.addingTimeInterval(60))
        #expect(later.updatedAt == second.addingTimeInterval(60))
        // Switching it off for its endpoint (410, or a failure streak) is a change too.
        try store.dbPool.write { db in
            _ = try FailureStreak.disable(db, webhookID: created.id, reason: "410", now: second.addingTimeInterval(60.5))
        }
        #expect(try store.webhook(id: created.id)?.updatedAt == second.addingTimeInterval(61))
    }

    @Test("the default location follows --db, HOOKDASH_DB, XDG_DATA_HOME, HOME")
    func defaultLocation() {
        #expect(DatabaseLocation.resolve(explicit: "/x/y.sqlite", environment: ["HOOKDASH_DB": "/env.sqlite"]) == "/x/y.sqlite")
        #expect(DatabaseLocation.resolve(explicit: nil, environment: ["HOOKDASH_DB": "/env.sqlite"]) == "/env.sqlite")
        #expect(DatabaseLocation.resolve(explicit: nil, environment: ["XDG_DATA_HOME": "/data", "HOME": "/home/u"]) == "/data/hookdash/hookdash.sqlite")
        #expect(DatabaseLocation.resolve(explicit: nil, environment: ["HOME": "/home/u"]) == "/home/u/.local/share/hookdash/hookdash.sqlite")
        #expect(DatabaseLocation.resolve(explicit: nil, environment: ["XDG_DATA_HOME": "relative", "HOME": "/home/u"]) == "/home/u/.local/share/hookdash/hookdash.sqlite")
        #expect(DatabaseLocation.resolve(explicit: "~/db.sqlite", environment: ["HOME": "/home/u"]) == "/home/u/db.sqlite")
    }
}

@Suite("Read-only opening")
struct ReadOnlyOpenTests {
    @Test("reading never changes the file, and a missing file is created")
    func readingLeavesFileAlone() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("db.sqlite")
        let fresh = try WebhookStore.openForReading(path: path)
        try fresh.create(try validFields())
        try fresh.dbPool.close()
        let before = FileManager.default.contents(atPath: path)
        let reader = try WebhookStore.openForReading(path: path)
        #expect(try reader.list().count == 1)
        #expect(try reader.webhook(id: "0a1b2c3d-0000-4000-8000-000000000000") == nil)
        try reader.dbPool.close()
        #expect(FileManager.default.contents(atPath: path) == before)
    }
}
