import GRDB
import Testing
@testable import HookdashStore

@Suite("Journal settings")
struct JournalSettingsTests {
    /// The durability the docs promise: every commit — an emitted event, a recorded attempt —
    /// survives a crash or SIGKILL of any process and a power cut (WAL, synchronous FULL,
    /// though GRDB opens WAL pools with NORMAL).
    @Test("the store runs in WAL mode with synchronous FULL on its writer")
    func journalSettings() async throws {
        let folder = try TemporaryFolder()
        let store = try WebhookStore.open(path: folder.file("db.sqlite"))
        let (mode, synchronous) = try await store.dbPool.writeWithoutTransaction { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(mode == "wal")
        #expect(synchronous == 2)
    }
}
