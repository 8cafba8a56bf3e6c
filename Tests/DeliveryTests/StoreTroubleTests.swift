import Foundation
import GRDB
import HookdashDelivery
import HookdashReceiver
import HookdashStore
import Synchronization
import Testing

/// A database that stops taking writes (a full disk, a read-only file) pauses deliveries with
/// a message a person can act on, loses nothing, and resumes by itself.
@Suite struct StoreTroubleTests {
    @Test func aReadOnlyDatabasePausesDeliveriesOnceAndTheyResumeByThemselves() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start()
        try database.addWebhook(url: receiver.url())
        let emitted = try database.emit()
        let reports = Mutex<[String?]>([])
        let engine = DeliveryEngine(
            queue: database.queue, configuration: devConfiguration(),
            onStoreTrouble: { trouble in reports.withLock { $0.append(trouble) } })

        // The pool's one writer connection refuses every write from now on.
        try await database.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = 1") }
        #expect(await engine.processDue() == 0)
        #expect(await engine.processDue() == 0)
        #expect(receiver.requestCount == 0, "nothing is sent that could not be leased")
        #expect(reports.withLock { $0 } == [
            "the database is read-only (attempt to write a readonly database) — "
                + "make the file, its -wal and -shm files and its folder writable",
        ], "said once, not on every failed write")

        try await database.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = 0") }
        #expect(await engine.processDue() == 1)
        await engine.shutdown()
        await receiver.stop()
        #expect(reports.withLock { $0.count } == 2)
        #expect(reports.withLock { $0.last } == .some(nil), "the resumption is reported")
        #expect(receiver.requestCount == 1)
        #expect(try database.queue.delivery(id: emitted.deliveryIDs[0])?.status == .succeeded)
    }

    /// The write that fails is the one recording an attempt already sent: the delivery stays
    /// leased and pending, and once its lease runs out it is sent again and recorded (the one
    /// duplicate the README allows), never lost.
    @Test func anAttemptThatCannotBeRecordedIsSentAgainAfterItsLease() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start()
        try database.addWebhook(url: receiver.url())
        let emitted = try database.emit()
        let clock = ManualDeliveryClock(start: Date())
        let reports = Mutex<[String?]>([])
        let writesRefused = Mutex(false)
        let pool = database.pool
        let engine = DeliveryEngine(
            queue: database.queue, configuration: devConfiguration(), clock: clock,
            // Runs after the POST and before its record: the disk "fills" in between, once.
            onAttempt: { _ in
                let first = writesRefused.withLock { refused in defer { refused = true }; return !refused }
                if first { try? pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = 1") } }
            },
            onStoreTrouble: { trouble in reports.withLock { $0.append(trouble) } })

        #expect(await engine.processDue() == 1)
        #expect(receiver.requestCount == 1)
        #expect(reports.withLock { $0.count } == 1)
        let unrecorded = try #require(try database.queue.delivery(id: emitted.deliveryIDs[0]))
        #expect(unrecorded.status == .pending)
        #expect(unrecorded.attemptCount == 0, "the attempt was not recorded")

        try await pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = 0") }
        #expect(await engine.processDue() == 0, "still leased: another process could not have sent it either")
        clock.advance(by: devConfiguration().leaseDuration + 1)
        #expect(await engine.processDue() == 1)
        await engine.shutdown()
        await receiver.stop()
        #expect(receiver.requestCount == 2)
        #expect(reports.withLock { $0.last } == .some(nil))
        let recorded = try #require(try database.queue.delivery(id: emitted.deliveryIDs[0]))
        #expect(recorded.status == .succeeded)
        #expect(recorded.attemptCount == 1)
    }

    /// On a nearly full disk a claim can succeed while the record after it fails, and every
    /// delivery so sent goes out again when its lease runs out. While in trouble the engine
    /// therefore sends one delivery at a time, as a probe, once per probe interval (on its
    /// replaceable clock), not all that are due.
    @Test func whileRecordsFailOnlyOneDeliveryAtATimeProbesTheDatabase() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let receiver = try await Receiver.start()
        try database.addWebhook(url: receiver.url())
        let clock = ManualDeliveryClock(start: Date())
        let reports = Mutex<[String?]>([])
        var configuration = devConfiguration()
        configuration.troubleProbeInterval = 5
        let engine = DeliveryEngine(
            queue: database.queue, configuration: configuration, clock: clock,
            onStoreTrouble: { trouble in reports.withLock { $0.append(trouble) } })
        // Records fail, claims still work: the writer connection refuses new attempt rows.
        try await database.pool.writeWithoutTransaction { db in
            try db.execute(sql: """
                CREATE TEMP TRIGGER refuse_attempts BEFORE INSERT ON attempts
                BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END
                """)
        }
        for _ in 0..<3 { try database.emit(at: clock.now()) }
        #expect(await engine.processDue() == 3, "before any failure the engine cannot know")
        #expect(reports.withLock { $0.count } == 1)

        for _ in 0..<20 { try database.emit(at: clock.now()) }
        for _ in 0..<3 { #expect(await engine.processDue() == 0, "no probe before its interval") }
        for _ in 0..<2 {
            clock.advance(by: 5)
            #expect(await engine.processDue() == 1, "one probe per interval")
            #expect(await engine.processDue() == 0)
        }
        #expect(receiver.requestCount == 5)
        #expect(reports.withLock { $0.count } == 1, "a claim that works does not end a record's trouble")

        // Records work again: the next probe is recorded, the trouble ends and everything due
        // goes out; the five whose records failed follow once their leases run out.
        try await database.pool.writeWithoutTransaction { db in try db.execute(sql: "DROP TRIGGER refuse_attempts") }
        clock.advance(by: 5)
        #expect(await engine.processDue() == 18)
        #expect(reports.withLock { $0.last } == .some(nil))
        clock.advance(by: configuration.leaseDuration + 1)
        #expect(await engine.processDue() == 5)
        await engine.shutdown()
        await receiver.stop()
        #expect(try database.queue.queueStats().pending == 0)
        let succeeded = try database.queue.deliveries(webhookID: nil, status: .succeeded, limit: 100).count
        #expect(succeeded == 23, "every message delivered and recorded")
        #expect(receiver.requestCount == 28, "the only repeats are the five unrecorded attempts")
    }

    @Test func aFullDiskIsNamedAsSuch() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        try database.addWebhook(url: "http://127.0.0.1:9/hooks")
        // SQLite's own cap on the file's pages gives the very error a full disk gives.
        try await database.pool.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
        let body = #"{"blob":""# + String(repeating: "a", count: 200_000) + #""}"#
        do {
            try database.emit(body: body)
            Issue.record("a message that needs new pages was stored in a full file")
        } catch {
            let trouble = try #require(DatabaseTrouble(error))
            #expect(trouble.problem == "the disk holding the database is full")
            #expect(trouble.remedy == "free some space")
        }
        #expect(try database.queue.queueStats().pending == 0, "the refused message left nothing behind")
        #expect(DatabaseTrouble(StoreError.notFound(id: "x")) == nil, "errors not about the file are not trouble")
    }
}
